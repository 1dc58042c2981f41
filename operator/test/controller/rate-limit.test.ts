import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/controller/rate-limit.ts';

describe('TokenBucket', () => {
  it('allows a burst, then one token per 1/rate seconds', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()].every((t) => t.ok)).toBe(true);
    const denied = bucket.tryTake();
    expect(denied).toEqual({ ok: false, waitMs: 100 });
    now = 50;
    expect(bucket.tryTake()).toEqual({ ok: false, waitMs: 50 });
    now = 100;
    expect(bucket.tryTake().ok).toBe(true);
  });

  it('refills no further than the burst size', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 2, () => now);
    now = 60_000;
    expect(bucket.tryTake().ok).toBe(true);
    expect(bucket.tryTake().ok).toBe(true);
    expect(bucket.tryTake().ok).toBe(false);
  });

  it('rejects nonsensical limits', () => {
    expect(() => new TokenBucket(0, 1)).toThrow();
    expect(() => new TokenBucket(1, 0)).toThrow();
  });
});
