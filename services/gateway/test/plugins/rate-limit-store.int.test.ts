// The rate-limit store (@fastify/rate-limit's `incr`) against real Redis: far from the limit a replica counts locally and adds
// its counts to Redis in batches; near the limit every request is counted in Redis, so two
// replicas sharing Redis together admit exactly the limit, also when their requests interleave
// concurrently. The clock is frozen in the middle of tomorrow's first hour, so no window boundary
// can fall inside a test and every key expires in the future.
import { infraEnv, uniqueName } from '@shopwatch/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFor, BatchedRedisStore } from '../../src/plugins/rate-limit-store.ts';
import { createRedis } from '../../src/plugins/redis.ts';

const HOUR = 3_600_000;
const frozen = Math.floor(Date.now() / HOUR) * HOUR + 24 * HOUR + HOUR / 2;
const now = () => frozen;
let redis: Redis;
let prefix: string;
const limiters: BatchedRedisStore[] = [];

beforeAll(async () => {
  redis = createRedis(infraEnv().redisUrl);
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  prefix = `${uniqueName('rl-test')}:`;
});
afterAll(async () => {
  for (const limiter of limiters) await limiter.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

function limiter(syncIntervalMs = 20): BatchedRedisStore {
  const created = new BatchedRedisStore(redis, { keyPrefix: prefix, syncIntervalMs, now });
  limiters.push(created);
  return created;
}

/** One request counted through the store's `incr`, decided as @fastify/rate-limit decides it. */
function take(store: BatchedRedisStore, key: string, max: number, windowMs: number): Promise<{ allowed: boolean; remaining: number; retryAfterSeconds: number }> {
  return new Promise((resolve, reject) => {
    store.incr(
      key,
      (error, result) => {
        if (error || !result) return reject(error ?? new Error('no count'));
        resolve({ allowed: result.current <= max, remaining: Math.max(0, max - result.current), retryAfterSeconds: Math.ceil(result.ttl / 1000) });
      },
      windowMs,
      max,
    );
  });
}

const redisCount = async (key: string) => Number((await redis.get(`${prefix}${key}:${Math.floor(frozen / HOUR)}`)) ?? 0);

describe('BatchedRedisStore', () => {
  it('batches: limits under 20 are never counted locally; 5% of the limit is the batch', () => {
    expect(batchFor(19)).toBe(0);
    expect(batchFor(20)).toBe(1);
    expect(batchFor(600)).toBe(30);
  });

  it('far from the limit, counts locally and adds the counts to Redis in batches', async () => {
    const a = limiter(60_000);
    const decisions = [];
    for (let i = 0; i < 40; i++) decisions.push(await take(a, 'batching', 10_000, HOUR));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(decisions.at(-1)?.remaining).toBe(10_000 - 40);
    // Only the first request (no view of the shared count yet) went to Redis.
    expect(await redisCount('batching')).toBe(1);
    await a.sync();
    expect(await redisCount('batching')).toBe(40);
  });

  it('two replicas sharing Redis admit exactly the limit, one request at a time', async () => {
    const [a, b] = [limiter(), limiter()];
    let admitted = 0;
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const decision = await take(i % 2 === 0 ? a : b, 'sequential', 200, HOUR);
      if (decision.allowed) admitted++;
      else {
        refused++;
        expect(decision.remaining).toBe(0);
        expect(decision.retryAfterSeconds).toBe(HOUR / 2000);
      }
    }
    expect(admitted).toBe(200);
    expect(refused).toBe(100);
  });

  it('two replicas sharing Redis admit exactly the limit under concurrent bursts', async () => {
    const [a, b] = [limiter(), limiter()];
    let admitted = 0;
    for (let round = 0; round < 15; round++) {
      const burst = Array.from({ length: 40 }, (_, i) => take(i % 2 === 0 ? a : b, 'concurrent', 400, HOUR));
      admitted += (await Promise.all(burst)).filter((d) => d.allowed).length;
    }
    expect(admitted).toBe(400);
    await Promise.all([a.sync(), b.sync()]);
    expect(await redisCount('concurrent')).toBe(600);
  });

  it('with a sync interval of 0 counts every request in Redis', async () => {
    const exact = limiter(0);
    for (let i = 0; i < 25; i++) await take(exact, 'exact', 10_000, HOUR);
    expect(await redisCount('exact')).toBe(25);
  });
});
