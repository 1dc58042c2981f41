// Protected routes: 401 without a valid token and 403 without the needed role, answered by the
// gateway itself (the service never sees the request); public reads stay public.
import { issueToken, type App } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, metricSample } from '@shopwatch/testkit';
import { JWT, startShop, type Shop } from '../support/shop-fixture.ts';

let shop: Shop;
let gw: App;
let categoryId: string;

beforeAll(async () => {
  shop = await startShop();
  gw = await shop.gateway();
  categoryId = (await shop.catalog.pool.query<{ id: string }>('SELECT id FROM categories LIMIT 1')).rows[0]!.id;
});
afterAll(() => shop?.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const newProduct = (sku: string) => JSON.stringify({ sku, name: 'Auth test', categoryId, priceCents: 100 });
async function productCount(): Promise<number> {
  return Number((await shop.catalog.pool.query<{ n: string }>('SELECT count(*) AS n FROM products')).rows[0]!.n);
}

describe('401 on protected routes', () => {
  it('without a token, with a garbage one, a forged one and an expired one', async () => {
    const forged = await issueToken({ secret: 'some-other-secret-that-is-32-characters!' }, { subject: 'x', role: 'admin' });
    const expired = await issueToken(JWT, { subject: 'x', role: 'admin' }, 60, new Date(Date.now() - 3_600_000));
    const cases: Array<[string, Record<string, string>]> = [
      ['none', {}],
      ['basic', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['garbage', bearer('not.a.jwt')],
      ['forged', bearer(forged)],
      ['expired', bearer(expired)],
    ];
    for (const [what, headers] of cases) {
      for (const [method, url] of [['GET', '/api/users/me'], ['PATCH', '/api/users/me'], ['POST', '/api/catalog/products'], ['GET', '/api/orders/orders']] as const) {
        const res = await gw.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: method === 'GET' ? undefined : '{}' });
        expect(res.statusCode, `${what} ${method} ${url}`).toBe(401);
        expect(res.headers['www-authenticate'], `${what} ${method} ${url}`).toBe('Bearer');
        expectProblem(res, 'any');
      }
    }
    const metrics = (await gw.inject({ url: '/metrics' })).body;
    expect(metricSample(metrics, 'gateway_auth_rejections_total', { upstream: 'users', reason: 'missing_token' })).toBe(2);
    expect(metricSample(metrics, 'gateway_auth_rejections_total', { upstream: 'catalog', reason: 'invalid_token' })).toBe(4);
  });

  it('the expired-token problem says so', async () => {
    const expired = await issueToken(JWT, { subject: 'x', role: 'customer' }, 60, new Date(Date.now() - 3_600_000));
    const res = await gw.inject({ url: '/api/users/me', headers: bearer(expired) });
    expect(res.json()).toMatchObject({ status: 401, detail: 'The token has expired.' });
  });
});

describe('403 without the role', () => {
  it('a customer cannot write to the catalog, and the catalog never sees the request', async () => {
    const before = await productCount();
    const res = await gw.inject({ method: 'POST', url: '/api/catalog/products', headers: { ...bearer(shop.customerToken), 'content-type': 'application/json' }, payload: newProduct('AUTH-403') });
    expect(res.statusCode).toBe(403);
    expect(expectProblem(res, 'any')).toMatchObject({ type: 'https://shopwatch.dev/problems/forbidden' });
    expect(await productCount()).toBe(before);
    const catalogMetrics = (await shop.catalog.app.inject({ url: '/metrics' })).body;
    expect(metricSample(catalogMetrics, 'http_server_request_duration_seconds_count', { method: 'POST', route: '/products' })).toBeUndefined();
    expect(metricSample((await gw.inject({ url: '/metrics' })).body, 'gateway_auth_rejections_total', { upstream: 'catalog', reason: 'forbidden' })).toBe(1);
  });

  it('an admin can', async () => {
    const res = await gw.inject({ method: 'POST', url: '/api/catalog/products', headers: { ...bearer(shop.adminToken), 'content-type': 'application/json' }, payload: newProduct('AUTH-201') });
    expect(res.statusCode).toBe(201);
  });
});

describe('public routes stay public', () => {
  it('catalog reads, sign-up and login need no token', async () => {
    expect((await gw.inject({ url: '/api/catalog/products?limit=1' })).statusCode).toBe(200);
    expect((await gw.inject({ url: '/api/catalog/categories' })).statusCode).toBe(200);
    const login = await gw.inject({ method: 'POST', url: '/api/users/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'nobody@example.com', password: 'x' }) });
    expect(login.statusCode).toBe(401);
    expect(login.json()).toMatchObject({ type: 'https://shopwatch.dev/problems/invalid-credentials' });
  });

  it('a stale token does not break a public read', async () => {
    const expired = await issueToken(JWT, { subject: 'x', role: 'customer' }, 60, new Date(Date.now() - 3_600_000));
    expect((await gw.inject({ url: '/api/catalog/products?limit=1', headers: bearer(expired) })).statusCode).toBe(200);
  });
});

describe('principal forwarding', () => {
  it('a client cannot pose as someone through identity headers', async () => {
    // users trusts the token, not headers; the gateway drops x-user-* from clients in any case.
    const res = await gw.inject({ url: '/api/users/me', headers: { 'x-user-id': 'someone-else', 'x-user-role': 'admin' } });
    expect(res.statusCode).toBe(401);
    const write = await gw.inject({ method: 'DELETE', url: `/api/catalog/categories/${categoryId}`, headers: { ...bearer(shop.customerToken), 'x-user-role': 'admin' } });
    expect(write.statusCode).toBe(403);
  });
});
