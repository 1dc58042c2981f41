// The real gateway process in front of real services: starts from environment variables, routes,
// rate-limits in Redis, finishes in-flight requests on SIGTERM and exits 0; bad configuration
// stops it with one line naming the variable.
import { infraEnv, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT, startShop, type Shop } from '../support/shop-fixture.ts';
import { spawnGateway } from '../support/gateway-process.ts';

let shop: Shop;

beforeAll(async () => {
  shop = await startShop();
});
afterAll(() => shop?.close());

describe('gateway process', () => {
  it('routes to the configured upstreams, limits in Redis and exits 0 on SIGTERM with requests in flight', async () => {
    const gateway = await spawnGateway({
      REDIS_URL: infraEnv().redisUrl,
      JWT_SECRET: JWT.secret,
      CATALOG_URL: shop.catalog.url,
      USERS_URL: shop.users.url,
      ORDERS_URL: 'http://127.0.0.1:1',
      RATE_LIMIT_MAX: '40',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
    try {
      const res = await fetch(`${gateway.url}/api/catalog/products?limit=2`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(2);
      expect(res.headers.get('x-ratelimit-limit')).toBe('40');
      const down = await fetch(`${gateway.url}/api/orders/orders`, { headers: { authorization: `Bearer ${shop.customerToken}` } });
      expect(down.status).toBe(503);
      expect(((await down.json()) as { upstream: string }).upstream).toBe('orders');

      // Catalog now takes 1 s per request: these are in flight when SIGTERM arrives.
      shop.catalog.faults.latencyMs = 1_000;
      const inFlight = Array.from({ length: 10 }, () => fetch(`${gateway.url}/api/catalog/categories`).then((r) => r.status));
      await new Promise((resolve) => setTimeout(resolve, 400));
      gateway.child.kill('SIGTERM');
      expect(await Promise.all(inFlight)).toEqual(Array(10).fill(200));
    } finally {
      shop.catalog.faults.latencyMs = 0;
      // A second SIGTERM would end it the hard way; only signal if the test stopped early.
      if (!gateway.child.killed) gateway.child.kill('SIGTERM');
    }
    const exit = await gateway.exited;
    expect(exit, gateway.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(gateway.output()).toContain('shutdown complete');
    // The process used its default key prefix; clear what this test counted.
    const keys = await shop.redis.keys('shopwatch:gateway:rl:*ip:127.0.0.1*');
    if (keys.length) await shop.redis.del(...keys);
  });

  it('without a reachable Redis: /readyz names redis and requests still flow (the limit fails open)', async () => {
    // A Redis address where nothing listens (the shared Redis keeps running for others).
    const gateway = await spawnGateway({ REDIS_URL: 'redis://127.0.0.1:1', JWT_SECRET: JWT.secret, CATALOG_URL: shop.catalog.url, RATE_LIMIT_MAX: '1' }, { ready: false });
    try {
      const ready = await waitFor('readyz answers', async () => {
        const res = await fetch(`${gateway.url}/readyz`);
        return res.status === 503 ? ((await res.json()) as { failing: string[] }) : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      expect(ready.failing).toEqual(['redis']);
      for (let i = 0; i < 3; i++) expect((await fetch(`${gateway.url}/api/catalog/categories`)).status).toBe(200);
      expect(gateway.child.exitCode).toBeNull();
    } finally {
      gateway.child.kill('SIGTERM');
    }
    expect((await gateway.exited).code).toBe(0);
  });

  it.each([
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ CATALOG_URL: 'catalog:8080' }, 'CATALOG_URL'],
    [{ RATE_LIMIT_MAX: '0' }, 'RATE_LIMIT_MAX'],
    [{ UPSTREAM_TIMEOUT_MS: 'soon' }, 'UPSTREAM_TIMEOUT_MS'],
  ])('refuses to start with %j, naming the variable on one line', async (bad, name) => {
    const gateway = await spawnGateway({ REDIS_URL: infraEnv().redisUrl, JWT_SECRET: JWT.secret, ...bad }, { ready: false });
    expect((await gateway.exited).code).toBe(1);
    const lines = gateway.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
  });

  it('refuses to start without REDIS_URL', async () => {
    const gateway = await spawnGateway({ JWT_SECRET: JWT.secret, KEY: uniqueName('x') }, { ready: false });
    expect((await gateway.exited).code).toBe(1);
    expect(gateway.output().trim()).toBe('invalid configuration: REDIS_URL is required but not set');
  });
});
