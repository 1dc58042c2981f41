// When an upstream is down, slow or broken the gateway answers itself, with a problem naming it:
// 503 (unreachable), 504 (no answer in time), 502 (not HTTP). It recovers without a restart.
import { createServer, type Server, type Socket } from 'node:net';
import type { App } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, metricSample } from '@shopwatch/testkit';
import { CLOSED_URL, startShop, type Shop } from '../support/shop-fixture.ts';

let shop: Shop;
let gw: App;
let garbage: Server;
let garbageUrl: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  shop = await startShop();
  // Something listening that does not speak HTTP: it answers every connection with junk.
  garbage = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.end('this is not HTTP\r\n\r\n');
  });
  await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
  const address = garbage.address();
  garbageUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  gw = await shop.gateway({ upstream: { timeoutMs: 1_000 }, urls: { INVENTORY_URL: garbageUrl, ORDERS_URL: CLOSED_URL } });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => garbage?.close(resolve));
  await shop?.close();
});

describe('upstream failures', () => {
  it('upstream down → 503 problem naming it, with Retry-After', async () => {
    const res = await gw.inject({ url: '/api/orders/orders', headers: { authorization: `Bearer ${shop.customerToken}` } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(expectProblem(res, 'any')).toMatchObject({ type: 'https://shopwatch.dev/problems/upstream-unavailable', upstream: 'orders', detail: 'Upstream orders is unavailable.' });
  });

  it('a public route of a down upstream is 503 too, and the gateway itself stays ready', async () => {
    const res = await gw.inject({ url: '/api/shipping/quotes' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ upstream: 'shipping' });
    expect((await gw.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('upstream slow → 504 naming it; fast again → 200', async () => {
    shop.catalog.faults.latencyMs = 3_000;
    try {
      const res = await gw.inject({ url: '/api/catalog/categories' });
      expect(res.statusCode).toBe(504);
      expect(expectProblem(res, 'any')).toMatchObject({ type: 'https://shopwatch.dev/problems/upstream-timeout', upstream: 'catalog', detail: 'Upstream catalog did not answer in time.' });
    } finally {
      shop.catalog.faults.latencyMs = 0;
    }
    expect((await gw.inject({ url: '/api/catalog/categories' })).statusCode).toBe(200);
  });

  it('upstream not speaking HTTP → 502 naming it', async () => {
    const res = await gw.inject({ url: '/api/inventory/stock' });
    expect(res.statusCode).toBe(502);
    expect(expectProblem(res, 'any')).toMatchObject({ type: 'https://shopwatch.dev/problems/bad-gateway', upstream: 'inventory' });
  });

  it("passes an upstream's own 5xx problem through unchanged", async () => {
    shop.catalog.faults.errorRate = 1;
    try {
      const res = await gw.inject({ url: '/api/catalog/categories' });
      expect(res.statusCode).toBe(503);
      expectProblem(res, 'any');
      expect(res.json()).not.toHaveProperty('upstream');
    } finally {
      shop.catalog.faults.errorRate = 0;
    }
  });

  it('an upstream that went away and came back is used again (pools reconnect)', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    const flaky = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const port = (flaky.address() as { port: number }).port;
    const local = await shop.gateway({ urls: { SUPPORT_URL: `http://127.0.0.1:${port}` } });
    const get = () => local.inject({ url: '/api/support/tickets', headers: { authorization: `Bearer ${shop.customerToken}` } });
    expect((await get()).statusCode).toBe(200);
    await new Promise((resolve) => {
      flaky.close(resolve);
      flaky.closeAllConnections();
    });
    expect((await get()).statusCode).toBe(503);
    await new Promise<void>((resolve) => flaky.listen(port, '127.0.0.1', resolve));
    try {
      expect((await get()).statusCode).toBe(200);
    } finally {
      await new Promise((resolve) => {
        flaky.close(resolve);
        flaky.closeAllConnections();
      });
    }
  });

  it('counts failures by upstream and kind', async () => {
    const metrics = (await gw.inject({ url: '/metrics' })).body;
    expect(metricSample(metrics, 'gateway_upstream_failures_total', { upstream: 'orders', kind: 'unavailable' })).toBeGreaterThanOrEqual(1);
    expect(metricSample(metrics, 'gateway_upstream_failures_total', { upstream: 'catalog', kind: 'timeout' })).toBe(1);
    expect(metricSample(metrics, 'gateway_upstream_failures_total', { upstream: 'inventory', kind: 'bad_gateway' })).toBe(1);
  });
});
