// Bad requests generated from analytics' own OpenAPI document (the testkit's generator): every case
// it calls invalid is a 4xx problem+json, and nothing it sends is ever a 5xx. Sent as an admin
// so authentication never hides a validation gap.
import { generateBadRequests } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startAnalytics, type AnalyticsFixture } from '../support/analytics-fixture.ts';

let f: AnalyticsFixture;
beforeAll(async () => {
  f = await startAnalytics();
});
afterAll(() => f?.close());

it('answers every generated bad request with a 4xx problem (reject) and never with a 5xx', async () => {
  const document: unknown = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const cases = generateBadRequests(document);
  expect(cases.length).toBeGreaterThan(50);
  const failures: string[] = [];
  for (const c of cases) {
    const res = await f.app.inject({ method: c.method as 'GET', url: c.url, headers: { ...c.headers, ...f.admin }, ...(c.body === undefined ? {} : { payload: c.body }) });
    if (res.statusCode >= 500) failures.push(`${c.name}: ${res.statusCode}`);
    else if (c.expect === 'reject') {
      const problem = res.statusCode >= 400 && String(res.headers['content-type']).startsWith('application/problem+json');
      if (!problem) failures.push(`${c.name}: expected a 4xx problem, got ${res.statusCode} ${String(res.headers['content-type'])}`);
    }
  }
  expect(failures).toEqual([]);
});
