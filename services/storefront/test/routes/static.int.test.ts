// The storefront server on a real Vite build: the app shell for pages, hashed assets with long
// cache headers (precompressed when the client accepts it), problem+json for everything else.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type App } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { buildStorefrontApp } from '../../src/app.ts';
import { buildForTest, type TestBuild } from '../support/built-app.ts';

let build: TestBuild;
let app: App;
let port: number;

beforeAll(async () => {
  build = await buildForTest();
  app = await buildStorefrontApp({ logger: createLogger({ service: 'storefront', level: 'silent' }), distDir: build.outDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await app?.close();
  build?.remove();
});


/** A GET with the path sent byte for byte (inject and fetch would resolve dot segments first). */
function rawGet(path: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('pages', () => {
  it('answers / and every app path with index.html, never cached without revalidation', async () => {
    for (const url of ['/', '/products/3f1c2b4a-9d8e-4f00-a1b2-c3d4e5f60718', '/search?q=tea', '/cart', '/orders/o-1', '/no/such/page']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root"></div>');
      expect(res.body).toContain(`/${build.entry}`);
    }
  });

  it('revalidates index.html with its ETag', async () => {
    const first = await app.inject({ url: '/' });
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await app.inject({ url: '/cart', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers HEAD without a body', async () => {
    const head = await app.inject({ method: 'HEAD', url: '/products/1' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });
});

describe('assets', () => {
  it('serves hashed assets for a year, immutable, with the right type', async () => {
    const res = await app.inject({ url: `/${build.entry}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toContain('createRoot');
    // React's production build even though vitest runs with NODE_ENV=test (the development build
    // double-runs effects under StrictMode, so every click event was sent twice).
    expect(res.body).not.toMatch(/jsxDEV|react_stack_bottom_frame/);
    const css = build.files.find((f) => f.path.endsWith('.css'))!;
    expect((await app.inject({ url: `/${css.path}` })).headers['content-type']).toMatch(/^text\/css/);
  });

  it('sends the precompressed file the client accepts', async () => {
    const br = await app.inject({ url: `/${build.entry}`, headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(br.headers['content-length'])).toBe(build.files.find((f) => f.path === build.entry)!.brotliBytes);
    const gzip = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['cache-control']).toBe('no-cache');
  });

  it('serves other files of the build revalidated', async () => {
    const icon = await app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers missing files with 404, not with the app shell', async () => {
    for (const url of ['/assets/index-00000000.js', '/robots.txt', '/favicon.svg.gz.br', '/assets/']) {
      const res = await app.inject({ url });
      if (url === '/assets/') {
        // A directory path is a page path: the shell, not a listing.
        expect(res.body).toContain('<div id="root">');
        continue;
      }
      expectProblem(res, 404);
    }
  });
});

describe('bad paths and methods', () => {
  it('refuses traversal, encoded or not, with 400', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/assets/%2E%2E/%2E%2E/src/app.ts', '/a/./b.js', '/%00.js', '/a%5c..%5cpackage.json']) {
      const res = await rawGet(path);
      expect(res.status, path).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body).not.toContain('shopwatch/storefront');
    }
  });

  it('refuses malformed encoding and over-long paths with 4xx problems', async () => {
    expectProblem(await app.inject({ url: '/%E0%A4%A' }), 400);
    const long = await app.inject({ url: `/${'a'.repeat(5_000)}` });
    expect(long.statusCode).toBeGreaterThanOrEqual(400);
    expect(long.statusCode).toBeLessThan(500);
    expect(String(long.headers['content-type'])).toMatch(/^application\/problem\+json/);
  });

  it('never serves dot files or answers API paths with the shell', async () => {
    for (const url of ['/.env', '/.git/config', '/api/catalog/products', '/api']) expectProblem(await app.inject({ url }), 404);
  });

  it('has no writes', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const) {
      const res = await app.inject({ method, url: '/', payload: { a: 1 } });
      expect(res.statusCode, method).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, method).toBeLessThan(500);
      expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    }
    const big = await app.inject({ method: 'POST', url: '/', payload: 'x'.repeat(100_000), headers: { 'content-type': 'text/plain' } });
    expect(big.statusCode).toBeGreaterThanOrEqual(400);
    expect(big.statusCode).toBeLessThan(500);
  });
});

describe('service contract', () => {
  it('keeps the kit routes, counts answers by kind with bounded labels', async () => {
    expect((await app.inject({ url: '/livez' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', checks: { dist: 'ok' } });
    const metrics = (await app.inject({ url: '/metrics' })).body;
    for (const kind of ['page', 'asset', 'not_found', 'bad_request']) {
      expect(metrics).toMatch(new RegExp(`shop_storefront_responses_total\\{kind="${kind}",service="storefront"\\} [1-9]`));
    }
    expect(metrics).toMatch(/http_server_request_duration_seconds_count\{[^}]*route="\/\*"/);
    expect(metrics).not.toMatch(/route="\/products/);
    const openapi = (await app.inject({ url: '/openapi.json' })).json<{ paths?: Record<string, unknown> }>();
    expect(Object.keys(openapi.paths ?? {})).toEqual([]);
  });

  it('is not ready without a build, and says why', async () => {
    const empty = await buildStorefrontApp({ logger: createLogger({ service: 'storefront', level: 'silent' }), distDir: `${build.outDir}/missing` });
    const res = await empty.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ failing: ['dist'] });
    await empty.close();
  });
});
