// The control API through app.inject: reads, changes that take effect, and every kind of bad input
// answered with 400 problem+json (never a 5xx). The gateway is a closed port: nothing is sent.
import type { App } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, metricSample } from '@shopwatch/testkit';
import { buildTestLoadgen } from '../support/loadgen-app.ts';

const CLOSED_GATEWAY = 'http://127.0.0.1:1';
let app: App;

beforeAll(async () => {
  app = await buildTestLoadgen(CLOSED_GATEWAY);
});
afterAll(() => app?.close());


describe('GET /control', () => {
  it('shows rate, mix, bounds and that nothing runs before start()', async () => {
    const res = await app.inject({ method: 'GET', url: '/control' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      running: false,
      paused: false,
      rate: 1,
      maxRate: 50,
      mix: { browse: 2, search: 1, cart: 0, checkout: 0, signup: 0, support: 0 },
      maxInFlight: 10,
      inFlight: 0,
      seed: 7,
      shoppers: 0,
      arrivals: { started: 0, dropped: 0 },
    });
  });
});

describe('PUT /control', () => {
  it('changes rate, mix, bound and pause; GET and the target-rate gauge follow', async () => {
    const res = await app.inject({ method: 'PUT', url: '/control', payload: { rate: 12.5, mix: { checkout: 3, support: 1 }, maxInFlight: 40 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ rate: 12.5, maxInFlight: 40, mix: { browse: 0, search: 0, cart: 0, checkout: 3, signup: 0, support: 1 } });
    // Not started: the target is 0 until arrivals begin.
    expect(metricSample((await app.inject({ url: '/metrics' })).body, 'shop_loadgen_target_rate')).toBe(0);

    const paused = await app.inject({ method: 'PUT', url: '/control', payload: { paused: true } });
    expect(paused.json()).toMatchObject({ paused: true, running: false, rate: 12.5 });
    const back = await app.inject({ method: 'PUT', url: '/control', payload: { paused: false, rate: 1, mix: { browse: 2, search: 1 }, maxInFlight: 10 } });
    expect(back.json()).toMatchObject({ paused: false, rate: 1, maxInFlight: 10 });
  });

  it.each([
    ['an empty object', {}],
    ['an unknown field', { speed: 5 }],
    ['a rate as a string', { rate: '5' }],
    ['a negative rate', { rate: -1 }],
    ['a huge rate', { rate: 1e308 }],
    ['a rate above LOADGEN_MAX_RATE', { rate: 51 }],
    ['paused as a string', { paused: 'yes' }],
    ['paused as null', { paused: null }],
    ['a fractional bound', { maxInFlight: 2.5 }],
    ['a zero bound', { maxInFlight: 0 }],
    ['a bound above the limit', { maxInFlight: 1_001 }],
    ['a mix as text', { mix: 'browse=1' }],
    ['a mix naming an unknown scenario', { mix: { browse: 1, shopping: 2 } }],
    ['a mix with a negative weight', { mix: { browse: -1, search: 2 } }],
    ['a mix with a huge weight', { mix: { browse: 10_001 } }],
    ['a mix of only zeros', { mix: { browse: 0 } }],
    ['an empty mix', { mix: {} }],
    ['a mix weight as a string', { mix: { browse: '1' } }],
    ['an array', [{ rate: 1 }]],
    ['a unicode field name', { 'räte': 1 }],
  ])('refuses %s with 400 problem+json and changes nothing', async (_name, payload) => {
    const before = (await app.inject({ url: '/control' })).json<Record<string, unknown>>();
    const res = await app.inject({ method: 'PUT', url: '/control', payload: payload as object });
    const body = expectProblem(res, 400);
    expect(Array.isArray(body['errors'])).toBe(true);
    expect((await app.inject({ url: '/control' })).json()).toEqual(before);
  });

  it('refuses malformed JSON, a wrong content type and an oversize body with 4xx problem+json', async () => {
    expectProblem(await app.inject({ method: 'PUT', url: '/control', headers: { 'content-type': 'application/json' }, payload: '{"rate": 1' }), 400);
    const wrongType = await app.inject({ method: 'PUT', url: '/control', headers: { 'content-type': 'text/plain' }, payload: 'rate=1' });
    // Fastify reads text/plain as a string, which the body schema refuses.
    expectProblem(wrongType, 400);
    expectProblem(await app.inject({ method: 'PUT', url: '/control', headers: { 'content-type': 'application/xml' }, payload: '<rate/>' }), 415);
    const big = JSON.stringify({ rate: 1, mix: { browse: 1 }, pad: 'x'.repeat(10_000) });
    expectProblem(await app.inject({ method: 'PUT', url: '/control', headers: { 'content-type': 'application/json' }, payload: big }), 413);
    expectProblem(await app.inject({ method: 'POST', url: '/control', payload: { rate: 1 } }), 404);
  });
});

describe('service endpoints', () => {
  it('is live, not ready while the gateway cannot be reached (naming it), and documents /control', async () => {
    expect((await app.inject({ url: '/livez' })).statusCode).toBe(200);
    const ready = await app.inject({ url: '/readyz' });
    expect(expectProblem(ready, 503)['failing']).toEqual(['gateway']);
    const openapi = (await app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(openapi.paths['/control'] ?? {}).sort()).toEqual(['get', 'put']);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metricSample(metrics, 'shop_loadgen_scenarios_total', { scenario: 'checkout', outcome: 'dropped' })).toBe(0);
    expect(metricSample(metrics, 'shop_loadgen_in_flight')).toBe(0);
  });
});
