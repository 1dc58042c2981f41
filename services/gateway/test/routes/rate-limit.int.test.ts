// The rate limit, counted in real Redis: per client (token subject, else IP), upstream and route
// class; 429 problem with Retry-After past it; shared by every replica; open when Redis is away.
import type { App } from '@shopwatch/platform';
import { issueToken } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, metricSample } from '@shopwatch/testkit';
import { createRedis } from '../../src/plugins/redis.ts';
import { CLOSED_URL, JWT, startShop, type Shop } from '../support/shop-fixture.ts';

let shop: Shop;

beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop?.close());

async function statuses(gw: App, n: number, options: { url: string; headers?: Record<string, string>; remoteAddress?: string }): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await gw.inject({ url: options.url, headers: options.headers ?? {}, remoteAddress: options.remoteAddress ?? '10.0.0.1' })).statusCode);
  return out;
}

describe('rate limit', () => {
  it('answers 429 problem+json with Retry-After past the limit', async () => {
    const gw = await shop.gateway({ rateLimit: { max: 5, authMax: 3, windowMs: 60_000, keyPrefix: `${shop.keyPrefix}a:` } });
    expect(await statuses(gw, 5, { url: '/api/catalog/categories', remoteAddress: '10.0.0.1' })).toEqual([200, 200, 200, 200, 200]);
    const res = await gw.inject({ url: '/api/catalog/categories', remoteAddress: '10.0.0.1' });
    expect(res.statusCode).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(expectProblem(res, 'any')).toMatchObject({ type: 'https://shopwatch.dev/problems/rate-limited', limit: 5, retryAfterSeconds: retryAfter });
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
    // Another client, and another upstream for the same client, have their own counts.
    expect(await statuses(gw, 2, { url: '/api/catalog/categories', remoteAddress: '10.0.0.2' })).toEqual([200, 200]);
    expect((await gw.inject({ method: 'POST', url: '/api/users/login', remoteAddress: '10.0.0.1', headers: { 'content-type': 'application/json' }, payload: '{"email":"a@example.com","password":"x"}' })).statusCode).toBe(401);
    const metrics = (await gw.inject({ url: '/metrics' })).body;
    expect(metricSample(metrics, 'gateway_rate_limited_total', { upstream: 'catalog', class: 'api' })).toBe(1);
  });

  it('counts a signed-in client by its token subject, wherever it connects from', async () => {
    const gw = await shop.gateway({ rateLimit: { max: 3, authMax: 3, windowMs: 60_000, keyPrefix: `${shop.keyPrefix}b:` } });
    const alice = { authorization: `Bearer ${await issueToken(JWT, { subject: 'alice', role: 'customer' })}` };
    const bob = { authorization: `Bearer ${await issueToken(JWT, { subject: 'bob', role: 'customer' })}` };
    const url = '/api/catalog/products?limit=1';
    expect(await statuses(gw, 1, { url, headers: alice, remoteAddress: '10.1.0.1' })).toEqual([200]);
    expect(await statuses(gw, 1, { url, headers: alice, remoteAddress: '10.1.0.2' })).toEqual([200]);
    expect(await statuses(gw, 2, { url, headers: alice, remoteAddress: '10.1.0.3' })).toEqual([200, 429]);
    expect(await statuses(gw, 3, { url, headers: bob, remoteAddress: '10.1.0.3' })).toEqual([200, 200, 200]);
  });

  it('gives sign-up and login their own tighter limit', async () => {
    const gw = await shop.gateway({ rateLimit: { max: 100, authMax: 3, windowMs: 60_000, keyPrefix: `${shop.keyPrefix}c:` } });
    const login = () => gw.inject({ method: 'POST', url: '/api/users/login', remoteAddress: '10.2.0.1', headers: { 'content-type': 'application/json' }, payload: '{"email":"a@example.com","password":"x"}' });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await login()).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    // Other users routes from the same client are in the api class.
    expect((await gw.inject({ url: '/api/users/me', remoteAddress: '10.2.0.1' })).statusCode).toBe(401);
  });

  it('is shared by replicas through Redis', async () => {
    const rateLimit = { max: 4, authMax: 3, windowMs: 60_000, keyPrefix: `${shop.keyPrefix}d:` };
    const a = await shop.gateway({ rateLimit });
    const b = await shop.gateway({ rateLimit });
    const url = '/api/catalog/categories';
    expect(await statuses(a, 2, { url, remoteAddress: '10.3.0.1' })).toEqual([200, 200]);
    expect(await statuses(b, 2, { url, remoteAddress: '10.3.0.1' })).toEqual([200, 200]);
    expect(await statuses(a, 1, { url, remoteAddress: '10.3.0.1' })).toEqual([429]);
    expect(await statuses(b, 1, { url, remoteAddress: '10.3.0.1' })).toEqual([429]);
  });

  it('never limits allow-listed clients, and is off when disabled', async () => {
    const gw = await shop.gateway({ rateLimit: { max: 1, authMax: 1, windowMs: 60_000, allow: ['10.4.0.9'], keyPrefix: `${shop.keyPrefix}e:` } });
    expect(await statuses(gw, 4, { url: '/api/catalog/categories', remoteAddress: '10.4.0.9' })).toEqual([200, 200, 200, 200]);
    expect(await statuses(gw, 2, { url: '/api/catalog/categories', remoteAddress: '10.4.0.8' })).toEqual([200, 429]);
    const off = await shop.gateway({ rateLimit: { enabled: false, max: 1, authMax: 1, windowMs: 60_000, keyPrefix: `${shop.keyPrefix}f:` } });
    expect(await statuses(off, 3, { url: '/api/catalog/categories', remoteAddress: '10.4.0.8' })).toEqual([200, 200, 200]);
  });

  it('lets traffic through when Redis is unreachable, and readiness names redis', async () => {
    // A client for a port where no Redis listens: the shared Redis keeps running for everyone else.
    const unreachable = createRedis(CLOSED_URL.replace('http', 'redis'), 200);
    try {
      const gw = await shop.gateway({ redis: unreachable, rateLimit: { max: 1, authMax: 1, windowMs: 60_000, keyPrefix: `${shop.keyPrefix}g:` } });
      expect(await statuses(gw, 3, { url: '/api/catalog/categories', remoteAddress: '10.5.0.1' })).toEqual([200, 200, 200]);
      const ready = await gw.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ failing: ['redis'] });
    } finally {
      unreachable.disconnect();
    }
  });
});
