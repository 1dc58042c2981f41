import { describe, expect, it } from 'vitest';
import { TestClock, expectProblem, histogramTotal, metricSample, metricSum, parseMetrics } from '../src/index.ts';

const problem = (status: number, body: unknown, contentType = 'application/problem+json; charset=utf-8') => ({
  statusCode: status,
  headers: { 'content-type': contentType },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const valid = (status: number) => problem(status, { type: 'https://shopwatch.dev/problems/x', title: 'X', status, detail: 'why' });

describe('expectProblem', () => {
  it('returns the body of a well-formed problem with the expected status, or any 4xx for "client"', () => {
    expect(expectProblem(valid(404), 404)).toMatchObject({ status: 404, detail: 'why' });
    expect(expectProblem(valid(422), 'client').title).toBe('X');
    expect(expectProblem(valid(503), 'any').status).toBe(503);
  });

  it('refuses another status, a 5xx for "client", another content type and a malformed body, naming the request', () => {
    expect(() => expectProblem(valid(400), 404, 'GET /x')).toThrow('GET /x: expected 404, got 400');
    expect(() => expectProblem(valid(503), 'client')).toThrow('expected a 4xx problem, got 503');
    expect(() => expectProblem(valid(200), 'client')).toThrow('got 200');
    expect(() => expectProblem(valid(302), 'any', 'redirect')).toThrow('redirect: expected a problem status, got 302');
    expect(() => expectProblem(problem(400, { status: 400 }, 'application/json'), 400)).toThrow('expected application/problem+json, got application/json');
    expect(() => expectProblem(problem(400, 'not json'), 400)).toThrow('not JSON');
    expect(() => expectProblem(problem(400, { type: 't', title: 'T', status: 400 }), 400)).toThrow('malformed problem');
    expect(() => expectProblem(problem(400, { type: 't', title: 'T', detail: 'd', status: 404 }), 400)).toThrow('malformed problem');
  });
});

const TEXT = [
  '# HELP shop_orders_total Orders.',
  '# TYPE shop_orders_total counter',
  'shop_orders_total{service="orders",outcome="confirmed"} 3',
  'shop_orders_total{service="orders",outcome="cancelled"} 2',
  'shop_up 1',
  'shop_note{text="a \\"quoted\\" } value"} 7',
  'http_server_request_duration_seconds_count{route="/x",status_code="200"} 4',
  'http_server_request_duration_seconds_count{route="/y",status_code="200"} 6 # {trace_id="abc"} 0.1 1700000000',
  'http_server_request_duration_seconds_sum{route="/x",status_code="200"} 0.5',
].join('\n');

describe('metric readers', () => {
  it('parses names, labels (escaped quotes included) and values; exemplars are not values', () => {
    const samples = parseMetrics(TEXT);
    expect(samples).toHaveLength(7);
    expect(samples.find((s) => s.name === 'shop_note')?.labels).toEqual({ text: 'a "quoted" } value' });
    expect(samples.find((s) => s.labels['route'] === '/y')?.value).toBe(6);
  });

  it('reads one sample, a sum over series, and a histogram part; absent is undefined or 0', () => {
    expect(metricSample(TEXT, 'shop_orders_total', { outcome: 'cancelled' })).toBe(2);
    expect(metricSample(TEXT, 'shop_up')).toBe(1);
    expect(metricSample(TEXT, 'shop_orders_total', { outcome: 'lost' })).toBeUndefined();
    expect(metricSum(TEXT, 'shop_orders_total')).toBe(5);
    expect(metricSum(TEXT, 'shop_missing_total')).toBe(0);
    expect(histogramTotal(TEXT, 'http_server_request_duration_seconds', 'count', { status_code: '200' })).toBe(10);
    expect(histogramTotal(TEXT, 'http_server_request_duration_seconds', 'sum', { route: '/x' })).toBe(0.5);
  });

  it('does not take a prefix of a name for the name', () => {
    expect(metricSum(TEXT, 'shop_orders')).toBe(0);
  });

  it('throws a clear error when given a label selector where a name belongs', () => {
    expect(() => metricSample(TEXT, 'shop_orders_total{outcome="confirmed"}')).toThrow(/take a metric name, not .*pass labels as the next argument/);
    expect(() => metricSum(TEXT, 'shop_orders_total{}')).toThrow('take a metric name');
    expect(() => histogramTotal(TEXT, 'x{a="b"}', 'count')).toThrow('take a metric name');
  });
});

describe('TestClock', () => {
  it('follows real time plus what it was advanced by', () => {
    const clock = new TestClock();
    const before = Date.now();
    clock.advance(60_000);
    const now = clock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before + 60_000);
    expect(now).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('stands still when frozen, and its now works unbound', () => {
    const clock = new TestClock({ frozenAt: new Date('2026-01-01T00:00:00Z') });
    const { now } = clock;
    expect(now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    clock.advance(1_500);
    expect(now().toISOString()).toBe('2026-01-01T00:00:01.500Z');
  });
});
