// orders' catalog lookup against a real HTTP server on loopback: a kept-alive connection that the
// catalog pod closes under the lookup (the pod is going away in a rollout) is retried once on a
// new connection; a catalog that answers with an error is not retried (it answered).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { CatalogUnavailableError, createCatalogClient } from '../../src/plugins/catalog-client.ts';
import { createOrdersMetrics } from '../../src/plugins/orders-metrics.ts';

const PRODUCT = '0b6f4c7e-3a51-4d8e-9a0e-2f1c8d7b6a01';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/** A catalog whose handler decides per request; every connection is kept alive. */
async function catalog(handle: (nthOnSocket: number, res: ServerResponse, req: IncomingMessage) => void): Promise<string> {
  const perSocket = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    handle(n, res, req);
  });
  server.keepAliveTimeout = 10_000;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const answer = (res: ServerResponse) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ id: PRODUCT, priceCents: 1299, currency: 'EUR', active: true }] }));

function client(baseUrl: string) {
  const registry = new Registry();
  const metrics = createOrdersMetrics(registry, async () => 0);
  return { lookup: createCatalogClient({ baseUrl, timeoutMs: 2_000, metrics }), registry };
}

describe('catalog client', () => {
  it('sends the lookup again on a new connection when the kept-alive one is closed under it', async () => {
    const seen: number[] = [];
    const base = await catalog((n, res, req) => {
      seen.push(n);
      // The second request on a connection finds the pod closing it.
      if (n > 1) req.socket.destroy();
      else answer(res);
    });
    const { lookup, registry } = client(base);
    expect((await lookup.lookup([PRODUCT])).get(PRODUCT)).toEqual({ id: PRODUCT, priceCents: 1299, currency: 'EUR' });
    // Once the first connection is back in the pool, idle, the next lookup reuses it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await lookup.lookup([PRODUCT]);
    expect(second.get(PRODUCT)).toMatchObject({ priceCents: 1299 });
    expect(seen).toEqual([1, 2, 1]);
    expect(await registry.metrics()).toMatch(/shop_orders_catalog_lookups_total\{outcome="retried"\} 1/);
  });

  it('gives up after one retry: a catalog that keeps dropping connections is unavailable', async () => {
    let requests = 0;
    const base = await catalog((_n, _res, req) => {
      requests++;
      req.socket.destroy();
    });
    await expect(client(base).lookup.lookup([PRODUCT])).rejects.toBeInstanceOf(CatalogUnavailableError);
    expect(requests).toBe(2);
  });

  it('does not retry an answer: a 503 from catalog is unavailable at once', async () => {
    let requests = 0;
    const base = await catalog((_n, res) => {
      requests++;
      res.writeHead(503, { 'content-type': 'application/problem+json' }).end('{}');
    });
    await expect(client(base).lookup.lookup([PRODUCT])).rejects.toThrow('status 503');
    expect(requests).toBe(1);
  });
});
