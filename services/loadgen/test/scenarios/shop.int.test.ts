// Loadgen against the real shop (catalog, users and support behind the real gateway, as
// processes): journeys succeed and are counted, PUT /control takes effect (asserted by counts, not
// by time), 429s are their own outcome, and journeys through services that are not running fail
// with a reason that names the step. Runs in phases that each change the mix, one after the other.
import type { ServiceProcess } from '@shopwatch/testkit';
import { metricSample, metricSum, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnLoadgen, startShop, uniqueLoopbackAddress, type Shop } from '../support/shop-processes.ts';

let shop: Shop;
let loadgen: ServiceProcess;
const LONG = { timeoutMs: 60_000, intervalMs: 250 };

interface Control {
  running: boolean;
  paused: boolean;
  rate: number;
  inFlight: number;
  shoppers: number;
  arrivals: { started: number; dropped: number };
}

const metrics = async () => (await fetch(`${loadgen.url}/metrics`)).text();
const control = async () => (await (await fetch(`${loadgen.url}/control`)).json()) as Control;
async function put(body: unknown): Promise<Response> {
  return fetch(`${loadgen.url}/control`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
const outcome = (text: string, scenario: string, outcomeName: string) => metricSample(text, 'shop_loadgen_scenarios_total', { scenario, outcome: outcomeName }) ?? 0;

beforeAll(async () => {
  shop = await startShop();
  loadgen = await spawnLoadgen({
    GATEWAY_URL: shop.gateway.url,
    // Its own client address: the gateway's per-IP budget is this test's alone.
    LOADGEN_LOCAL_ADDRESS: uniqueLoopbackAddress(),
    LOADGEN_SEED: '20261121',
    LOADGEN_RATE: '3',
    LOADGEN_MIX: 'browse=1,search=1,signup=1',
    LOADGEN_SHOPPERS: '3',
    LOADGEN_THINK_TIME_MS: '20',
    LOADGEN_ORDER_POLL_MS: '100',
  });
}, 180_000);

afterAll(async () => {
  if (loadgen && loadgen.child.exitCode === null) {
    loadgen.child.kill('SIGTERM');
    await loadgen.exited;
  }
  await shop?.close();
});

describe('loadgen against the shop', () => {
  it('browses, searches and signs up through the gateway; every journey is counted ok', async () => {
    const text = await waitFor(
      'three ok journeys of each of browse, search and signup',
      async () => {
        const t = await metrics();
        return outcome(t, 'browse', 'ok') >= 3 && outcome(t, 'search', 'ok') >= 3 && outcome(t, 'signup', 'ok') >= 3 ? t : undefined;
      },
      LONG,
    );
    for (const scenario of ['browse', 'search', 'signup']) {
      expect(outcome(text, scenario, 'failed'), `${scenario} failures: ${loadgen.output().slice(-2000)}`).toBe(0);
    }
    // Real requests, by step: the catalogue's pages and searches, sign-ups and logins.
    expect(metricSample(text, 'shop_loadgen_requests_total', { scenario: 'browse', step: 'landing', status_class: '2xx' })).toBeGreaterThanOrEqual(3);
    expect(metricSample(text, 'shop_loadgen_requests_total', { scenario: 'search', step: 'search', status_class: '2xx' })).toBeGreaterThanOrEqual(3);
    expect(metricSample(text, 'shop_loadgen_requests_total', { scenario: 'signup', step: 'signup', status_class: '2xx' })).toBeGreaterThanOrEqual(3);
    expect(metricSample(text, 'shop_loadgen_requests_total', { scenario: 'signup', step: 'profile', status_class: '2xx' })).toBeGreaterThanOrEqual(3);
    // Analytics is not running: its click events are lost (5xx counted) without failing a journey.
    expect(metricSum(text, 'shop_loadgen_requests_total', { step: 'analytics', status_class: '5xx' })).toBeGreaterThan(0);
    expect(metricSum(text, 'shop_loadgen_scenario_duration_seconds_count', { scenario: 'browse' })).toBeGreaterThanOrEqual(3);
    expect(metricSample(text, 'shop_loadgen_target_rate')).toBe(3);
    expect(metricSample(text, 'shop_loadgen_shoppers')).toBe(3);

    // The other side agrees: users created the accounts, catalog answered searches.
    const users = await (await fetch(`${shop.users.url}/metrics`)).text();
    expect(metricSum(users, 'shop_users_signups_total')).toBeGreaterThanOrEqual(3);
    const catalog = await (await fetch(`${shop.catalog.url}/metrics`)).text();
    expect(metricSum(catalog, 'shop_catalog_searches_total')).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('PUT /control takes effect: paused, no arrival is added; at a higher rate, arrivals come much faster', async () => {
    const paused = await put({ paused: true });
    expect(paused.status).toBe(200);
    const atPause = (await paused.json()) as Control;
    expect(atPause).toMatchObject({ paused: true, running: false });
    await waitFor('running journeys to finish', async () => (await control()).inFlight === 0, LONG);
    const afterDrain = await control();
    expect(afterDrain.arrivals).toEqual(atPause.arrivals);
    expect(metricSample(await metrics(), 'shop_loadgen_target_rate')).toBe(0);

    // From 3/s with one scenario to 25/s of browsing: 60 arrivals would take 20 s at the old
    // rate, and the wait below ends long before unless the new rate applies.
    const before = afterDrain.arrivals.started + afterDrain.arrivals.dropped;
    const resumed = await put({ paused: false, rate: 25, mix: { browse: 1 } });
    expect(((await resumed.json()) as Control).running).toBe(true);
    const startedAt = Date.now();
    await waitFor('60 more arrivals', async () => {
      const now = await control();
      return now.arrivals.started + now.arrivals.dropped >= before + 60;
    }, LONG);
    const elapsedMs = Date.now() - startedAt;
    // Printed, not asserted (a loaded machine may be slow): the observed rate after the change.
    const afterBurst = await metrics();
    const rssMb = Math.round((metricSample(afterBurst, 'process_resident_memory_bytes') ?? 0) / 1e6);
    process.stdout.write(`loadgen: 60 arrivals after PUT rate=25 in ${elapsedMs} ms; loadgen_rss_mb=${rssMb}\n`);
    expect(metricSample(afterBurst, 'shop_loadgen_target_rate')).toBe(25);
    await put({ rate: 0.5 });
  }, 120_000);

  it('signed-in journeys reuse pooled shoppers; one through a service that is not running fails with the step and reason', async () => {
    await put({ rate: 4, mix: { checkout: 1, support: 1 } });
    const text = await waitFor(
      'ok support and failed checkout journeys',
      async () => {
        const t = await metrics();
        return outcome(t, 'checkout', 'failed') >= 2 && outcome(t, 'support', 'ok') >= 2 ? t : undefined;
      },
      LONG,
    );
    await put({ paused: true });
    // Support tickets are opened for pooled shoppers (the pool is full: no new sign-ups).
    expect(metricSample(text, 'shop_loadgen_requests_total', { scenario: 'support', step: 'ticket', status_class: '2xx' })).toBeGreaterThanOrEqual(2);
    expect(outcome(text, 'support', 'failed')).toBe(0);
    // Checkout reaches the stock check, and inventory is not running behind this gateway (the
    // whole saga is in checkout.int.test.ts).
    expect(metricSample(text, 'shop_loadgen_scenario_failures_total', { scenario: 'checkout', step: 'stock', reason: 'upstream_unavailable' })).toBeGreaterThanOrEqual(2);
    expect(metricSample(text, 'shop_loadgen_requests_total', { scenario: 'checkout', step: 'product_page', status_class: '2xx' })).toBeGreaterThanOrEqual(2);
    expect(metricSum(text, 'shop_loadgen_requests_total', { step: 'signup', scenario: 'checkout' })).toBe(0);
    expect(metricSum(text, 'shop_loadgen_requests_total', { step: 'signup', scenario: 'support' })).toBe(0);
    expect(outcome(text, 'checkout', 'ok')).toBe(0);
    expect(loadgen.output()).toContain('scenario failed');
  }, 120_000);

  it('counts 429s from the gateway as rate_limited and keeps running', async () => {
    // Sign-up and login share 20 requests a minute per client; each sign-up journey uses two.
    await put({ paused: false, rate: 8, mix: { signup: 1 } });
    const text = await waitFor('a rate-limited sign-up', async () => {
      const t = await metrics();
      return outcome(t, 'signup', 'rate_limited') >= 1 ? t : undefined;
    }, LONG);
    await put({ paused: true });
    expect(metricSum(text, 'shop_loadgen_requests_total', { scenario: 'signup', status_class: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(outcome(text, 'signup', 'failed')).toBe(0);
    expect((await fetch(`${loadgen.url}/livez`)).status).toBe(200);
  }, 120_000);

  it('bad control input is a 400 problem and changes nothing', async () => {
    const before = await control();
    for (const body of [{ rate: -5 }, { rate: 'fast' }, { mix: { browse: 0 } }, { mix: { teleport: 1 } }, { paused: 1 }, {}]) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const after = await control();
    expect({ ...after, inFlight: 0, arrivals: null }).toEqual({ ...before, inFlight: 0, arrivals: null });
  }, 120_000);

  it('stops on SIGTERM with journeys in flight and exits 0', async () => {
    await put({ paused: false, rate: 20, mix: { browse: 1 } });
    await waitFor('journeys in flight', async () => (await control()).inFlight > 0, LONG);
    loadgen.child.kill('SIGTERM');
    const exit = await loadgen.exited;
    expect(exit, loadgen.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(loadgen.output()).toContain('shutdown complete');
  }, 120_000);
});
