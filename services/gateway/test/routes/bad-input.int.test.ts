// Bad input through the gateway is a 4xx problem+json — from the gateway itself (routing, body
// size, tokens, URL) or passed through from the service — and never a 5xx.
import { connect, type AddressInfo } from 'node:net';
import type { App } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startShop, type Shop } from '../support/shop-fixture.ts';

let shop: Shop;
let gw: App;
let token: string;

beforeAll(async () => {
  shop = await startShop();
  gw = await shop.gateway();
  const headers = { 'content-type': 'application/json' };
  await gw.inject({ method: 'POST', url: '/api/users/signup', headers, payload: JSON.stringify({ email: 'bad.input@example.com', password: 'bad input password', displayName: 'Bad Input' }) });
  token = (await gw.inject({ method: 'POST', url: '/api/users/login', headers, payload: JSON.stringify({ email: 'bad.input@example.com', password: 'bad input password' }) })).json<{ accessToken: string }>().accessToken;
});
afterAll(() => shop?.close());

/** Sends a GET with the path bytes exactly as given (latin1) and returns the status code. */
function rawStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1')));
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
  });
}


describe('bodies', () => {
  const cases: Array<[string, string, string]> = [
    ['malformed JSON', '/api/users/signup', '{"email":'],
    ['JSON array', '/api/users/signup', '[]'],
    ['JSON null', '/api/users/login', 'null'],
    ['wrong types', '/api/users/signup', '{"email":1,"password":true,"displayName":[]}'],
    ['unknown field', '/api/users/login', '{"email":"a@example.com","password":"x","admin":true}'],
    ['unicode mess', '/api/users/signup', JSON.stringify({ email: '💥@💥.💥', password: '\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000', displayName: '\u202e' })],
    ['huge number', '/api/users/login', '{"email":"a@example.com","password":1e309}'],
    ['negative price', '/api/catalog/products', '{"sku":"NEG-1","name":"x","categoryId":"00000000-0000-4000-8000-000000000000","priceCents":-1}'],
  ];
  it.each(cases)('%s → 4xx', async (what, url, payload) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(url.includes('catalog') ? { authorization: `Bearer ${shop.adminToken}` } : {}) };
    expectProblem(await gw.inject({ method: 'POST', url, headers, payload }), 'client', what);
  });

  it('a body over the limit is refused by the gateway with 413', async () => {
    const res = await gw.inject({ method: 'POST', url: '/api/users/signup', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ blob: 'x'.repeat(200_000) }) });
    expect(res.statusCode).toBe(413);
    expectProblem(res, 'any');
  });

  it('odd content types reach the service, which refuses them', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
      expectProblem(await gw.inject({ method: 'POST', url: '/api/users/login', headers: { 'content-type': type }, payload: 'email=a&password=b' }), 'client', type);
    }
    expectProblem(await gw.inject({ method: 'POST', url: '/api/users/login' }), 'client', 'no body');
  });

  it('PATCH /api/users/me with bad bodies changes nothing', async () => {
    for (const payload of ['{}', '{"displayName":""}', '{"displayName":5}', '{"role":"admin"}', '{"displayName":"\\u0007"}']) {
      expectProblem(await gw.inject({ method: 'PATCH', url: '/api/users/me', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload }), 'client', payload);
    }
    const me = await gw.inject({ url: '/api/users/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ displayName: 'Bad Input' });
  });
});

describe('URLs, queries and headers', () => {
  it.each([
    '/api/catalog/products?limit=abc',
    '/api/catalog/products?limit=-1',
    '/api/catalog/products?limit=1e99',
    '/api/catalog/products?minPrice=99999999999999999999',
    '/api/catalog/products/not-a-uuid',
    '/api/catalog/products/%E2%98%95',
    '/api/catalog/search?q=',
    `/api/catalog/search?q=${'k'.repeat(300)}`,
    '/api/catalog/%00',
    '/api/catalog/products?cursor=%FF%FE',
    '/api/nope',
    '/api/%FF',
    `/api/${'a'.repeat(2000)}/x`,
    `/api/catalog/${'b'.repeat(5000)}`,
  ])('GET %s → 4xx', async (url) => {
    expectProblem(await gw.inject({ url }), 'client', url);
  });

  it('malformed Authorization headers on protected routes are 401', async () => {
    for (const authorization of ['Bearer', 'Bearer ', 'bearer abc', `Bearer ${token} extra`, 'Bearer ☕', `Bearer ${'a'.repeat(10_000)}`, 'Token abc']) {
      const res = await gw.inject({ url: '/api/users/me', headers: { authorization } });
      expect(res.statusCode, authorization.slice(0, 20)).toBe(401);
      expectProblem(res, 'any');
    }
  });

  it('unknown methods are refused', async () => {
    for (const method of ['PROPFIND', 'TRACE', 'CONNECT']) {
      const res = await gw.inject({ method: method as 'GET', url: '/api/catalog/products' });
      expect(res.statusCode, method).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, method).toBeLessThan(500);
    }
  });

  it('headers the upstream client would refuse are not forwarded (no 5xx from odd headers)', async () => {
    const payload = JSON.stringify({ email: 'nobody@example.com', password: 'whatever' });
    const cases: Array<Record<string, string>> = [
      { expect: '100-continue' },
      { 'content-length': String(payload.length) },
      { te: 'trailers' },
      { 'proxy-authorization': 'Basic abc' },
      { connection: 'upgrade', upgrade: 'websocket' },
      { 'x-weird': 'a\u00e9b' },
    ];
    for (const extra of cases) {
      const res = await gw.inject({ method: 'POST', url: '/api/users/login', headers: { 'content-type': 'application/json', ...extra }, payload });
      expect(res.statusCode, JSON.stringify(extra)).toBe(401);
    }
  });

  it('odd bytes in raw URLs over a real socket are never a 5xx', async () => {
    const server = await shop.gateway();
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as AddressInfo;
    for (const path of ['/api/catalog/products?q=a"b', '/api/catalog/products?x={}|^`', '/api/catalog/pro%ducts', '/api/catalog/search?q=caf\u00c3\u00a9', '/api/catalog/products/\u00ff\u00fe']) {
      const status = await rawStatus(port, path);
      expect(status, path).toBeGreaterThanOrEqual(200);
      expect(status, path).toBeLessThan(500);
    }
  });

  it('a bogus request id is replaced, not forwarded', async () => {
    const res = await gw.inject({ url: '/api/catalog/categories', headers: { 'x-request-id': 'bad id with spaces and ☕' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
