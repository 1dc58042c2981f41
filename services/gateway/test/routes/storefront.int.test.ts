// Everything outside /api (GET/HEAD) goes to the storefront: the real storefront process serving
// a small build of its own, behind a gateway in front of the test shop.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { App } from '@shopwatch/platform';
import { expectProblem, type ServiceProcess, spawnService } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSED_URL, startShop, type Shop } from '../support/shop-fixture.ts';

const STOREFRONT = fileURLToPath(new URL('../../../storefront/src/server.ts', import.meta.url));
const dist = mkdtempSync(path.join(tmpdir(), 'gw-storefront-'));
const ASSET = 'assets/app-0123abcd.js';

let shop: Shop;
let storefront: ServiceProcess;
let gw: App;

beforeAll(async () => {
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>shop</title><div id="root">storefront shell</div>');
  writeFileSync(path.join(dist, ASSET), 'console.log("storefront asset");');
  shop = await startShop();
  storefront = await spawnService({ name: 'storefront', script: STOREFRONT, env: { DIST_DIR: dist } });
  gw = await shop.gateway({ urls: { STOREFRONT_URL: storefront.url } });
});
afterAll(async () => {
  storefront?.child.kill('SIGTERM');
  await storefront?.exited;
  await shop?.close();
  rmSync(dist, { recursive: true, force: true });
});

/** A GET with the path sent byte for byte (inject and fetch would resolve dot segments first). */
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

describe('the storefront at /', () => {
  it('serves the app shell for / and for any page path, not cached', async () => {
    for (const url of ['/', '/products/3f1c2b4a', '/search?q=kettle', '/orders/abc']) {
      const res = await gw.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('storefront shell');
    }
    const head = await gw.inject({ method: 'HEAD', url: '/' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('serves hashed assets with long cache headers and missing files as 404 problems', async () => {
    const asset = await gw.inject({ url: `/${ASSET}` });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toContain('storefront asset');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectProblem(await gw.inject({ url: '/assets/missing-0000.js' }), 'any');
    expect((await gw.inject({ url: '/assets/missing-0000.js' })).statusCode).toBe(404);
  });

  it('refuses traversal and writes, and keeps /api and its own routes to itself', async () => {
    await gw.listen({ host: '127.0.0.1', port: 0 });
    const port = (gw.server.address() as AddressInfo).port;
    for (const path of ['/%2e%2e/etc/passwd', '/assets/../index.html', '/a/./b']) {
      const res = await rawGet(port, path);
      expect(res.status, path).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
    }
    const post = await gw.inject({ method: 'POST', url: '/', payload: 'x' });
    expect(post.statusCode).toBe(404);
    expectProblem(post, 'any');
    for (const url of ['/api', '/api/', '/api/storefront/', '/api/storefront/index.html', '/api/nothing/here']) {
      const res = await gw.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expectProblem(res, 'any');
    }
    expect((await gw.inject({ url: '/livez' })).json()).toEqual({ status: 'ok' });
    expect((await gw.inject({ url: '/api/catalog/products?limit=1' })).statusCode).toBe(200);
  });

  it('answers 503 naming the storefront when it is down', async () => {
    const down = await shop.gateway({ urls: { STOREFRONT_URL: CLOSED_URL } });
    const res = await down.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(expectProblem(res, 'any')['upstream']).toBe('storefront');
  });
});
