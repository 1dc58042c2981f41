// Verified tokens are remembered until they expire; invalid ones are never remembered.
import { issueToken, ProblemError } from '@shopwatch/platform';
import { describe, expect, it } from 'vitest';
import { expiryOf, TokenCache } from '../../src/plugins/token-cache.ts';

const JWT = { secret: 'token-cache-test-secret-at-least-32-chars' };

describe('TokenCache', () => {
  it('returns the principal and keeps the token until its exp', async () => {
    const token = await issueToken(JWT, { subject: 'alice', role: 'customer' }, 600);
    const cache = new TokenCache(JWT);
    expect(await cache.verify(token)).toEqual({ subject: 'alice', role: 'customer' });
    expect(cache.size).toBe(1);
    expect(await cache.verify(token)).toEqual({ subject: 'alice', role: 'customer' });
    expect(expiryOf(token)).toBeGreaterThan(Date.now() + 590_000);
  });

  it('verifies again once the cached token has expired, and refuses it', async () => {
    const token = await issueToken(JWT, { subject: 'bob', role: 'admin' }, 60, new Date(Date.now() - 30_000));
    let clock = Date.now();
    const cache = new TokenCache(JWT, { now: () => clock });
    expect(await cache.verify(token)).toEqual({ subject: 'bob', role: 'admin' });
    clock += 60_000;
    // The cache's clock says expired, so jose checks it again with the real clock: still valid.
    expect(await cache.verify(token)).toEqual({ subject: 'bob', role: 'admin' });
    const expired = await issueToken(JWT, { subject: 'bob', role: 'admin' }, 60, new Date(Date.now() - 3_600_000));
    await expect(cache.verify(expired)).rejects.toBeInstanceOf(ProblemError);
  });

  it('never remembers tokens that fail verification', async () => {
    const forged = await issueToken({ secret: 'another-secret-that-is-32-characters-long' }, { subject: 'eve', role: 'admin' });
    const cache = new TokenCache(JWT);
    await expect(cache.verify(forged)).rejects.toMatchObject({ status: 401 });
    await expect(cache.verify('not.a.jwt')).rejects.toMatchObject({ status: 401 });
    expect(cache.size).toBe(0);
  });

  it('drops the least recently used token when full', async () => {
    const cache = new TokenCache(JWT, { maxEntries: 2 });
    const [t1, t2, t3] = await Promise.all(['a', 'b', 'c'].map((s, i) => issueToken(JWT, { subject: s, role: 'customer' }, 600 + i)));
    await cache.verify(t1!);
    await cache.verify(t2!);
    await cache.verify(t1!);
    await cache.verify(t3!);
    expect(cache.size).toBe(2);
    expect([cache.has(t1!), cache.has(t2!), cache.has(t3!)]).toEqual([true, false, true]);
  });
});
