// Bad input on every analytics route gets a 4xx problem+json — never a 5xx — and counts nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startAnalytics, type AnalyticsFixture } from '../support/analytics-fixture.ts';

let f: AnalyticsFixture;
beforeAll(async () => {
  f = await startAnalytics();
});
afterAll(() => f?.close());

const valid = { type: 'product_view', sessionId: 'sess-valid1', productId: 'p-1' };
const stored = async () => {
  await f.app.clickBuffer.flush();
  return Number((await f.pool.query<{ n: string }>('SELECT coalesce(sum(events), 0) AS n FROM analytics_funnel_minutes')).rows[0]?.n);
};
const json = { 'content-type': 'application/json' };

describe('POST /events', () => {
  it('refuses malformed batches whole and stores nothing', async () => {
    const before = await stored();
    const rejectedBefore = await f.metric('shop_analytics_events_ingested_total', { type: 'batch', outcome: 'rejected' });
    const one = (over: Record<string, unknown>) => JSON.stringify({ events: [{ ...valid, ...over }] });
    const cases: Array<[string, string]> = [
      ['malformed JSON', '{"events": ['],
      ['JSON array', '[]'],
      ['JSON null', 'null'],
      ['JSON string', '"events"'],
      ['empty object', '{}'],
      ['empty batch', '{"events": []}'],
      ['events not an array', JSON.stringify({ events: valid })],
      ['unknown top-level field', JSON.stringify({ events: [valid], debug: true })],
      ['101 events (oversize batch)', JSON.stringify({ events: Array.from({ length: 101 }, () => valid) })],
      ['oversize body', JSON.stringify({ events: [valid], blob: 'x'.repeat(100_000) })],
      ['prototype pollution', `{"__proto__": {"admin": true}, "events": [${JSON.stringify(valid)}]}`],
      ['unknown type', one({ type: 'hover' })],
      ['type in capitals', one({ type: 'PRODUCT_VIEW' })],
      ['type as number', one({ type: 1 })],
      ['missing type', JSON.stringify({ events: [{ sessionId: 'sess-valid1' }] })],
      ['missing sessionId', JSON.stringify({ events: [{ type: 'page_view' }] })],
      ['sessionId too short', one({ sessionId: 'abc' })],
      ['sessionId too long', one({ sessionId: 's'.repeat(65) })],
      ['sessionId with spaces', one({ sessionId: 'sess valid 1' })],
      ['sessionId unicode', one({ sessionId: 'séssion-ünï' })],
      ['sessionId as number', one({ sessionId: 12345678 })],
      ['unknown event field', one({ userId: 'u-1' })],
      ['product_view without productId', JSON.stringify({ events: [{ type: 'product_view', sessionId: 'sess-valid1' }] })],
      ['search without query', JSON.stringify({ events: [{ type: 'search', sessionId: 'sess-valid1' }] })],
      ['productId with SQL', one({ productId: "1' OR 1=1--" })],
      ['productId too long', one({ productId: 'p'.repeat(101) })],
      ['query too long', one({ type: 'search', query: 'q'.repeat(201) })],
      ['query with NUL', one({ type: 'search', query: 'a\u0000b' })],
      ['query with newline', one({ type: 'search', query: 'a\nb' })],
      ['negative results', one({ type: 'search', query: 'kettle', results: -1 })],
      ['fractional results', one({ type: 'search', query: 'kettle', results: 1.5 })],
      ['huge results', one({ type: 'search', query: 'kettle', results: 1e21 })],
      ['results beyond safe integers', '{"events": [{"type": "search", "sessionId": "sess-valid1", "query": "k", "results": 9007199254740993}]}'],
      ['results as string', one({ type: 'search', query: 'kettle', results: '3' })],
      ['results 1e400', '{"events": [{"type": "search", "sessionId": "sess-valid1", "query": "k", "results": 1e400}]}'],
      ['at not a date', one({ at: 'yesterday' })],
      ['at as number', one({ at: 1732170000 })],
      ['path without slash', one({ type: 'page_view', path: 'http://evil.example/' })],
      ['path too long', one({ type: 'page_view', path: `/${'a'.repeat(300)}` })],
      ['one bad event among good ones', JSON.stringify({ events: [valid, valid, { ...valid, type: 'nope' }] })],
    ];
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'POST', url: '/events', headers: json, payload }), 'client', what);
    }
    expectProblem(await f.app.inject({ method: 'POST', url: '/events', headers: { 'content-type': 'text/plain' }, payload: 'type=page_view' }), 'client', 'text/plain');
    expectProblem(await f.app.inject({ method: 'POST', url: '/events' }), 'client', 'no body');
    expect(await stored()).toBe(before);
    expect(await f.metric('shop_analytics_events_ingested_total', { type: 'batch', outcome: 'rejected' })).toBe(rejectedBefore + cases.length + 2);
  });

  it('names the missing per-type field', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/events', payload: { events: [{ type: 'page_view', sessionId: 'sess-valid1' }, { type: 'add_to_cart', sessionId: 'sess-valid1' }] } });
    const problem = expectProblem(res, 400, 'add_to_cart without productId');
    expect(problem['errors']).toEqual([{ field: '/body/events/1/productId', message: 'is required for add_to_cart' }]);
  });

  it('accepts unicode search text and a full batch of 100', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/events', payload: { events: [{ type: 'search', sessionId: 'sess-valid1', query: '🫖 bouilloire مرحبا', results: 3 }] } });
    expect(res.statusCode, res.body).toBe(202);
    const before = await stored();
    const full = await f.app.inject({ method: 'POST', url: '/events', payload: { events: Array.from({ length: 100 }, () => valid) } });
    expect(full.statusCode, full.body).toBe(202);
    expect(await stored()).toBe(before + 100);
  });
});

describe('GET /funnel', () => {
  it('refuses unknown windows and parameters', async () => {
    for (const query of ['window=7d', 'window=', 'window=1H', 'window=-1h', 'window=1e400', 'from=2020-01-01', `window=${encodeURIComponent('1h\u0000')}`, 'window=1h&window=24h']) {
      expectProblem(await f.app.inject({ method: 'GET', url: `/funnel?${query}`, headers: f.admin }), 400, query);
    }
  });
});
