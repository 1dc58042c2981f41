// GET /api/openapi.json: the shop's API from every reachable upstream under its gateway prefix.
import type { App } from '@shopwatch/platform';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startShop, type Shop } from '../support/shop-fixture.ts';

let shop: Shop;
let gw: App;

beforeAll(async () => {
  shop = await startShop();
  gw = await shop.gateway();
});
afterAll(() => shop?.close());

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { tags: string[]; security?: unknown; 'x-shopwatch-access': string }>>;
  'x-shopwatch-unavailable': string[];
  components: { securitySchemes: Record<string, unknown> };
}

it('merges catalog and users under /api/<service>, marks access, lists the unreachable', async () => {
  const res = await gw.inject({ url: '/api/openapi.json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json<Doc>();
  expect(doc.openapi).toBe('3.1.0');
  const paths = Object.keys(doc.paths);
  expect(paths).toEqual(expect.arrayContaining(['/api/catalog/products', '/api/catalog/products/{id}', '/api/catalog/search', '/api/users/signup', '/api/users/login', '/api/users/me']));
  expect(paths.every((p) => p.startsWith('/api/catalog/') || p.startsWith('/api/users/'))).toBe(true);
  expect(doc.paths['/api/catalog/products']!['get']!['x-shopwatch-access']).toBe('public');
  expect(doc.paths['/api/catalog/products']!['post']!['x-shopwatch-access']).toBe('admin');
  expect(doc.paths['/api/catalog/products']!['post']!.security).toEqual([{ bearer: [] }]);
  expect(doc.paths['/api/users/login']!['post']!.security).toBeUndefined();
  expect(doc.paths['/api/users/me']!['get']!['x-shopwatch-access']).toBe('signed-in');
  expect(doc.paths['/api/users/me']!['get']!.tags[0]).toBe('users');
  expect(doc.components.securitySchemes).toHaveProperty('bearer');
  expect(doc['x-shopwatch-unavailable']).toEqual(expect.arrayContaining(['orders', 'inventory']));
  expect(doc['x-shopwatch-unavailable']).not.toContain('catalog');
});
