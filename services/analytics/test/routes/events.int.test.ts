// Click batches through app.inject against a real PostgreSQL database: the funnel they build, the
// admin-only funnel report, the per-client rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startAnalytics, type AnalyticsFixture } from '../support/analytics-fixture.ts';

let f: AnalyticsFixture;
beforeAll(async () => {
  f = await startAnalytics();
});
afterAll(() => f?.close());

interface Report {
  window: string;
  stages: Array<{ stage: string; count: number; storefront: number; domain: number; sessions: number }>;
  cancelled: number;
  conversion: Record<string, number | null>;
  sessionConversion: Record<string, number | null>;
}

const send = (events: unknown[], headers: Record<string, string> = {}) => f.app.inject({ method: 'POST', url: '/events', headers, payload: { events } });
const funnel = async (window = '1h') => {
  // Accepted clicks are buffered (written once a second); write them now.
  await f.app.clickBuffer.flush();
  const res = await f.app.inject({ method: 'GET', url: `/funnel?window=${window}`, headers: f.admin });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Report>();
};
const stage = (report: Report, name: string) => report.stages.find((s) => s.stage === name)!;

describe('click batches → funnel', () => {
  it('counts stages from a batch, distinct sessions per stage, and conversion', async () => {
    const before = { views: await f.metric('shop_funnel_events_total', { stage: 'product_view', source: 'storefront' }), zero: await f.metric('shop_analytics_searches_total', { outcome: 'zero_results' }) };
    // Four sessions view, two add to cart, one checks out and buys; one searches for nothing.
    const sessions = ['sess-aaaa1', 'sess-bbbb2', 'sess-cccc3', 'sess-dddd4'];
    const events = [
      ...sessions.map((sessionId) => ({ type: 'product_view', sessionId, productId: 'p-1' })),
      { type: 'product_view', sessionId: sessions[0], productId: 'p-2' },
      { type: 'page_view', sessionId: sessions[0], path: '/' },
      { type: 'search', sessionId: sessions[1], query: 'teal kettle', results: 0 },
      { type: 'add_to_cart', sessionId: sessions[0], productId: 'p-1' },
      { type: 'add_to_cart', sessionId: sessions[1], productId: 'p-1' },
      { type: 'remove_from_cart', sessionId: sessions[1], productId: 'p-1' },
      { type: 'checkout_started', sessionId: sessions[0] },
      { type: 'purchase_completed', sessionId: sessions[0] },
    ];
    const res = await send(events);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ accepted: events.length });

    const report = await funnel();
    expect(report.window).toBe('1h');
    expect(stage(report, 'product_view')).toEqual({ stage: 'product_view', count: 5, storefront: 5, domain: 0, sessions: 4 });
    expect(stage(report, 'add_to_cart')).toMatchObject({ count: 2, sessions: 2 });
    expect(stage(report, 'checkout')).toMatchObject({ count: 1, sessions: 1 });
    expect(stage(report, 'purchase')).toMatchObject({ count: 1, sessions: 1 });
    expect(report.conversion).toEqual({ viewToCart: 0.4, cartToCheckout: 0.5, checkoutToPurchase: 1, viewToPurchase: 0.2 });
    expect(report.sessionConversion).toEqual({ viewToCart: 0.5, cartToCheckout: 0.5, checkoutToPurchase: 1, viewToPurchase: 0.25 });

    expect(await f.metric('shop_funnel_events_total', { stage: 'product_view', source: 'storefront' })).toBe(before.views + 5);
    expect(await f.metric('shop_analytics_events_ingested_total', { type: 'remove_from_cart', outcome: 'accepted' })).toBeGreaterThanOrEqual(1);
    expect(await f.metric('shop_analytics_searches_total', { outcome: 'zero_results' })).toBe(before.zero + 1);
    // The search text is never a label.
    expect((await f.app.inject({ method: 'GET', url: '/metrics' })).body).not.toContain('teal kettle');
  });

  it('a click\'s own time is used when plausible; an hour-old window no longer holds old minutes', async () => {
    const old = new Date(f.clock.now().getTime() - 50 * 60_000).toISOString();
    const future = new Date(f.clock.now().getTime() + 3_600_000).toISOString();
    const before = stage(await funnel(), 'checkout').count;
    expect((await send([{ type: 'checkout_started', sessionId: 'sess-time1', at: old }, { type: 'checkout_started', sessionId: 'sess-time2', at: future }])).statusCode).toBe(202);
    expect(stage(await funnel(), 'checkout').count).toBe(before + 2);
    const { rows } = await f.pool.query<{ minute: Date }>("SELECT minute FROM analytics_funnel_sessions WHERE session_id = 'sess-time1'");
    expect(rows[0]?.minute.toISOString()).toBe(new Date(Math.floor(Date.parse(old) / 60_000) * 60_000).toISOString());
    // 20 minutes later the 50-minute-old checkout is out of the 1h window but still in 24h.
    f.clock.advance(20 * 60_000);
    try {
      expect(stage(await funnel(), 'checkout').count).toBe(before + 1);
      expect(stage(await funnel('24h'), 'checkout').count).toBe(before + 2);
    } finally {
      f.clock.advance(-20 * 60_000);
    }
  });

  it('the funnel report is for admins only', async () => {
    expectProblem(await f.app.inject({ method: 'GET', url: '/funnel' }), 401, 'anonymous');
    expectProblem(await f.app.inject({ method: 'GET', url: '/funnel', headers: f.customer }), 403, 'customer');
  });
});

describe('rate limit', () => {
  it('refuses a client past its limit with 429 problem+json and Retry-After; other clients go on', async () => {
    const limited = await startAnalytics({ rateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const batch = { events: [{ type: 'page_view', sessionId: 'sess-rate1', path: '/' }] };
      const from = (ip: string) => limited.app.inject({ method: 'POST', url: '/events', headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` }, payload: batch });
      for (let i = 0; i < 3; i++) expect((await from('198.51.100.7')).statusCode).toBe(202);
      const refused = await from('198.51.100.7');
      const problem = expectProblem(refused, 429, 'over the limit');
      expect(problem['title']).toBe('Too Many Requests');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await from('203.0.113.9')).statusCode).toBe(202);
      expect(await limited.metric('shop_analytics_events_ingested_total', { type: 'batch', outcome: 'rate_limited' })).toBe(1);
      // The funnel report is not rate-limited by this limit.
      expect((await limited.app.inject({ method: 'GET', url: '/funnel', headers: { ...limited.admin, 'x-forwarded-for': '198.51.100.7' } })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
