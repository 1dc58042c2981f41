// Requests through the gateway reach the real catalog and users services and come back intact.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startShop, type Shop } from '../support/shop-fixture.ts';

let shop: Shop;
let gw: App;

beforeAll(async () => {
  shop = await startShop();
  gw = await shop.gateway();
});
afterAll(() => shop?.close());

const json = { 'content-type': 'application/json' };

/** A GET with the path sent byte for byte (fetch and inject would resolve dot segments first). */
function rawGet(port: number, path: string): Promise<{ status: number; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('routing', () => {
  it('answers /api/catalog/... exactly as catalog answers /...', async () => {
    const direct = await (await fetch(`${shop.catalog.url}/products?limit=3&sort=price_asc`)).json();
    const res = await gw.inject({ url: '/api/catalog/products?limit=3&sort=price_asc' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual(direct);
  });

  it('keeps percent-encoding, query strings and conditional requests', async () => {
    const query = `q=${encodeURIComponent('kettle & "tea"')}&limit=2`;
    const search = await gw.inject({ url: `/api/catalog/search?${query}` });
    expect(search.statusCode).toBe(200);
    expect(search.json()).toEqual(await (await fetch(`${shop.catalog.url}/search?${query}`)).json());
    const id = (await gw.inject({ url: '/api/catalog/products?limit=1' })).json<{ items: Array<{ id: string }> }>().items[0]!.id;
    const first = await gw.inject({ url: `/api/catalog/products/${id}` });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"/);
    const again = await gw.inject({ url: `/api/catalog/products/${id}`, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const head = await gw.inject({ method: 'HEAD', url: `/api/catalog/products/${id}` });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('forwards writes with their body and rewrites Location under the gateway prefix', async () => {
    const categories = (await gw.inject({ url: '/api/catalog/categories' })).json<{ items: Array<{ id: string }> }>();
    const res = await gw.inject({
      method: 'POST',
      url: '/api/catalog/products',
      headers: { ...json, authorization: `Bearer ${shop.adminToken}` },
      payload: JSON.stringify({ sku: 'GW-0001', name: 'Gateway kettle', categoryId: categories.items[0]!.id, priceCents: 1999 }),
    });
    expect(res.statusCode).toBe(201);
    const product = res.json<{ id: string }>();
    expect(res.headers.location).toBe(`/api/catalog/products/${product.id}`);
    expect((await gw.inject({ url: res.headers.location })).json()).toMatchObject({ sku: 'GW-0001' });
  });

  it('signs up, logs in and reads the profile through /api/users', async () => {
    const signup = await gw.inject({ method: 'POST', url: '/api/users/signup', headers: json, payload: JSON.stringify({ email: 'gw.user@example.com', password: 'gateway password', displayName: 'Gate Way' }) });
    expect(signup.statusCode).toBe(201);
    expect(signup.headers.location).toBe('/api/users/me');
    const login = await gw.inject({ method: 'POST', url: '/api/users/login', headers: json, payload: JSON.stringify({ email: 'gw.user@example.com', password: 'gateway password' }) });
    expect(login.statusCode).toBe(200);
    const { accessToken } = login.json<{ accessToken: string }>();
    const me = await gw.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'gw.user@example.com', displayName: 'Gate Way' });
    // An upstream's own problem (wrong password) passes through unchanged.
    const wrong = await gw.inject({ method: 'POST', url: '/api/users/login', headers: json, payload: JSON.stringify({ email: 'gw.user@example.com', password: 'nope nope' }) });
    expect(wrong.statusCode).toBe(401);
    expect(expectProblem(wrong, 'any')).toMatchObject({ type: 'https://shopwatch.dev/problems/invalid-credentials' });
  });

  it('propagates the request id to the upstream, or makes one and sends that', async () => {
    const given = await gw.inject({ method: 'POST', url: '/api/users/login', headers: { ...json, 'x-request-id': 'gw-test-request-42' }, payload: JSON.stringify({ email: 'nobody@example.com', password: 'whatever' }) });
    expect(given.headers['x-request-id']).toBe('gw-test-request-42');
    const made = await gw.inject({ method: 'POST', url: '/api/users/login', headers: json, payload: JSON.stringify({ email: 'nobody@example.com', password: 'whatever' }) });
    const id = made.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const logs = shop.users.logs();
    expect(logs).toContain('"request_id":"gw-test-request-42"');
    expect(logs).toContain(`"request_id":"${id}"`);
  });

  // Paths outside /api are the storefront's (storefront.int.test.ts).
  it('answers 404 problems for unknown services and malformed API paths', async () => {
    for (const url of ['/api/nosuchservice/products', '/api/psp/authorisations', '/api/loadgen/rate', '/api', '/api/', '/api/Catalog/products', '/api/cat%61log/products']) {
      const res = await gw.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expectProblem(res, 'any');
    }
  });

  it('refuses dot segments instead of resolving them (raw paths over a real socket)', async () => {
    const server = await shop.gateway();
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as AddressInfo;
    for (const path of ['/api/catalog/../users/me', '/api/catalog/%2e%2E/products', '/api/catalog/./products', '/api/users/%2E/me']) {
      const res = await rawGet(port, path);
      expect(res.status, path).toBe(400);
      expect(res.contentType, path).toMatch(/^application\/problem\+json/);
    }
  });

  it('sends the upstream the request id, client address, original Authorization and verified principal — never a client-made identity', async () => {
    // A probe upstream that answers with the headers it received.
    const { createServer } = await import('node:http');
    const probe = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)));
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    try {
      const local = await shop.gateway({ urls: { SUPPORT_URL: `http://127.0.0.1:${(probe.address() as AddressInfo).port}` } });
      const res = await local.inject({
        method: 'POST',
        url: '/api/support/tickets?x=1',
        remoteAddress: '198.51.100.7',
        headers: {
          authorization: `Bearer ${shop.customerToken}`,
          'content-type': 'application/json',
          'x-request-id': 'probe-1',
          'x-user-id': 'admin-1',
          'x-user-role': 'admin',
          'x-forwarded-for': '10.9.9.9',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
        payload: '{"subject":"hi"}',
      });
      expect(res.statusCode).toBe(200);
      const seen = res.json<Record<string, string>>();
      expect(seen).toMatchObject({
        authorization: `Bearer ${shop.customerToken}`,
        'x-user-id': 'customer-1',
        'x-user-role': 'customer',
        'x-request-id': 'probe-1',
        'x-forwarded-for': '198.51.100.7',
        'content-type': 'application/json',
        'content-length': '16',
        // Tracing is off in tests: the client's trace context is passed on as it came.
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      const anonymous = (await local.inject({ url: '/api/support/faq', headers: { 'x-user-id': 'admin-1' } })).statusCode;
      expect(anonymous).toBe(401);
    } finally {
      await new Promise((resolve) => {
        probe.close(resolve);
        probe.closeAllConnections();
      });
    }
  });

  it('measures upstream latency per upstream', async () => {
    const metrics = (await gw.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/gateway_upstream_request_duration_seconds_count\{[^}]*upstream="catalog"[^}]*status_code="200"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/gateway_upstream_request_duration_seconds_count\{[^}]*upstream="users"[^}]*\} [1-9]/);
  });
});
