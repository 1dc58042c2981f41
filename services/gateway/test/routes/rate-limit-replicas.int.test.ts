// Two gateway replicas sharing Redis with a limit large enough to be counted locally (batches of
// 5%): together they admit exactly the limit, interleaved one by one and in concurrent bursts,
// and then answer 429 with Retry-After. The clock is frozen mid-hour tomorrow so no window
// boundary falls inside the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startShop, type Shop } from '../support/shop-fixture.ts';

let shop: Shop;
beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop?.close());

const HOUR = 3_600_000;
const frozen = new Date(Math.floor(Date.now() / HOUR) * HOUR + 24 * HOUR + HOUR / 2);

describe('rate limit across replicas, counted locally', () => {
  it('two replicas admit exactly the limit between them', async () => {
    const rateLimit = { max: 60, authMax: 20, windowMs: HOUR, syncIntervalMs: 20, keyPrefix: `${shop.keyPrefix}replicas:` };
    const a = await shop.gateway({ rateLimit, now: () => frozen });
    const b = await shop.gateway({ rateLimit, now: () => frozen });
    const get = (gw: typeof a) => gw.inject({ url: '/api/catalog/categories', remoteAddress: '10.9.0.1' });
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) codes.push((await get(i % 2 === 0 ? a : b)).statusCode);
    for (let round = 0; round < 5; round++) {
      codes.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => get(i % 2 === 0 ? a : b)))).map((r) => r.statusCode));
    }
    expect(codes.filter((c) => c === 200)).toHaveLength(60);
    expect(codes.filter((c) => c === 429)).toHaveLength(20);
    const refused = await get(b);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe(String(HOUR / 2000));
    expect(expectProblem(refused, 'any')).toMatchObject({ type: 'https://shopwatch.dev/problems/rate-limited', limit: 60 });
  });
});
