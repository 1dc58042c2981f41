import { issueToken } from '@shopwatch/platform';
import { waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, JWT, startCatalog, type CatalogFixture } from '../support/catalog-fixture.ts';

let f: CatalogFixture;
let categoryId: string;

beforeAll(async () => {
  f = await startCatalog();
  const { rows } = await f.pool.query<{ id: string }>("SELECT id FROM categories WHERE slug = 'kitchen'");
  categoryId = rows[0]!.id;
});
afterAll(() => f?.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
interface ProductBody { id: string; version: number; name: string; priceCents: number; sku: string }

describe('products CRUD (admin)', () => {
  it('creates, reads, updates and deletes a product, writing an outbox event for each change', async () => {
    const created = await f.app.inject({
      method: 'POST',
      url: '/products',
      headers: auth(f.adminToken),
      payload: { sku: 'TEST-0001', name: 'Copper moka pot', categoryId, priceCents: 4590, tags: ['moka', 'copper'] },
    });
    expect(created.statusCode).toBe(201);
    const product = created.json<ProductBody>();
    expect(created.headers.location).toBe(`/products/${product.id}`);
    expect(created.headers.etag).toBe(`"${product.id}.1"`);

    const read = await f.app.inject({ url: `/products/${product.id}` });
    expect(read.json()).toMatchObject({ sku: 'TEST-0001', name: 'Copper moka pot', priceCents: 4590, categorySlug: 'kitchen' });

    const updated = await f.app.inject({ method: 'PATCH', url: `/products/${product.id}`, headers: { ...auth(f.adminToken), 'if-match': `"${product.id}.1"` }, payload: { priceCents: 3990 } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ priceCents: 3990, version: 2 });

    // The cache was invalidated: the next read shows the new price.
    expect((await f.app.inject({ url: `/products/${product.id}` })).json()).toMatchObject({ priceCents: 3990 });

    const stale = await f.app.inject({ method: 'PATCH', url: `/products/${product.id}`, headers: { ...auth(f.adminToken), 'if-match': `"${product.id}.1"` }, payload: { priceCents: 1 } });
    expect(stale.statusCode).toBe(412);

    const deleted = await f.app.inject({ method: 'DELETE', url: `/products/${product.id}`, headers: auth(f.adminToken) });
    expect(deleted.statusCode).toBe(204);
    expect((await f.app.inject({ url: `/products/${product.id}` })).statusCode).toBe(404);

    const types = await f.pool.query<{ type: string }>(
      "SELECT event_type AS type FROM outbox WHERE event_key = $1 ORDER BY seq",
      [product.id],
    );
    const lifecycle = types.rows.map((r) => r.type).filter((t) => t !== 'shop.catalog.product.viewed');
    expect(lifecycle).toEqual(['shop.catalog.product.created', 'shop.catalog.product.updated', 'shop.catalog.product.deleted']);
  });

  it('refuses a duplicate SKU with 409 and an unknown category with 422', async () => {
    const body = { sku: 'KIT-01001', name: 'Dup', categoryId, priceCents: 1 };
    const dup = await f.app.inject({ method: 'POST', url: '/products', headers: auth(f.adminToken), payload: body });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ errors: [{ field: '/body/sku' }] });
    const unknown = await f.app.inject({ method: 'POST', url: '/products', headers: auth(f.adminToken), payload: { ...body, sku: 'NEW-1', categoryId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.statusCode).toBe(422);
  });

  it('keeps a category with products and deletes an empty one', async () => {
    expect((await f.app.inject({ method: 'DELETE', url: `/categories/${categoryId}`, headers: auth(f.adminToken) })).statusCode).toBe(409);
    const made = await f.app.inject({ method: 'POST', url: '/categories', headers: auth(f.adminToken), payload: { slug: 'empty-shelf', name: 'Empty shelf' } });
    expect(made.statusCode).toBe(201);
    const id = made.json<{ id: string }>().id;
    expect((await f.app.inject({ method: 'PATCH', url: `/categories/${id}`, headers: auth(f.adminToken), payload: { name: 'Still empty' } })).json()).toMatchObject({ name: 'Still empty' });
    expect((await f.app.inject({ method: 'DELETE', url: `/categories/${id}`, headers: auth(f.adminToken) })).statusCode).toBe(204);
    expect((await f.app.inject({ url: `/categories/${id}` })).statusCode).toBe(404);
  });
});

describe('auth', () => {
  const write = (headers: Record<string, string>) =>
    f.app.inject({ method: 'POST', url: '/products', headers, payload: { sku: 'AUTH-1', name: 'x', categoryId, priceCents: 1 } });

  it('answers 401 without a token, with a bad token and with an expired one', async () => {
    const none = await write({});
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await write(auth('not.a.jwt'))).statusCode).toBe(401);
    const forged = await issueToken({ secret: 'another-secret-that-is-32-characters-long!' }, { subject: 'x', role: 'admin' });
    expect((await write(auth(forged))).statusCode).toBe(401);
    const expired = await issueToken(JWT, { subject: 'x', role: 'admin' }, 60, new Date(Date.now() - 3_600_000));
    const res = await write(auth(expired));
    expect(res.statusCode).toBe(401);
    expect(res.json<{ detail: string }>().detail).toBe('The token has expired.');
  });

  it('answers 403 to a customer and stores nothing', async () => {
    const before = await count(f.pool, 'SELECT count(*) AS n FROM products');
    const res = await write(auth(f.customerToken));
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await count(f.pool, 'SELECT count(*) AS n FROM products')).toBe(before);
  });

  it('keeps reads public', async () => {
    expect((await f.app.inject({ url: '/products?limit=1' })).statusCode).toBe(200);
    expect((await f.app.inject({ url: '/categories' })).statusCode).toBe(200);
  });
});

describe('search', () => {
  it('ranks name matches above description-only matches', async () => {
    const res = await f.app.inject({ url: '/search?q=kettle&limit=50' });
    const body = res.json<{ items: Array<{ name: string; description: string; rank: number }>; total: number; zeroResults: boolean }>();
    expect(body.zeroResults).toBe(false);
    expect(body.total).toBeGreaterThan(0);
    const ranks = body.items.map((i) => i.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(body.items[0]!.name.toLowerCase()).toContain('kettle');
  });

  it('finds nothing for nonsense, says so and counts it', async () => {
    const res = await f.app.inject({ url: '/search?q=xyzzyplugh' });
    expect(res.json()).toEqual({ items: [], total: 0, zeroResults: true });
    const metrics = (await f.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/shop_catalog_zero_result_searches_total\{service="catalog"\} [1-9]/);
  });

  it('treats SQL-looking and unicode text as plain words', async () => {
    for (const q of ["kettle'; DROP TABLE products; --", '☕ café ñandú', '"unbalanced', 'a & | ! b']) {
      const res = await f.app.inject({ url: `/search?q=${encodeURIComponent(q)}` });
      expect(res.statusCode).toBe(200);
    }
    expect(await count(f.pool, 'SELECT count(*) AS n FROM products')).toBeGreaterThanOrEqual(200);
  });
});

describe('pagination', () => {
  it('walks every active product exactly once in price order', async () => {
    const seen: Array<{ id: string; priceCents: number }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/products?sort=price_asc&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await f.app.inject({ url })).json<{ items: Array<{ id: string; priceCents: number }>; nextCursor: string | null }>();
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    const total = await count(f.pool, 'SELECT count(*) AS n FROM products WHERE active');
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((p) => p.id)).size).toBe(total);
    const prices = seen.map((p) => p.priceCents);
    expect([...prices].sort((a, b) => a - b)).toEqual(prices);
    expect(pages).toBe(Math.ceil(total / 7));
  });

  it('handles the boundaries: limit 1 and 100, an exact last page, filters', async () => {
    expect((await f.app.inject({ url: '/products?limit=1' })).json<{ items: unknown[] }>().items).toHaveLength(1);
    expect((await f.app.inject({ url: '/products?limit=100' })).json<{ items: unknown[] }>().items).toHaveLength(100);
    const kitchen = (await f.app.inject({ url: '/products?category=kitchen&limit=25' })).json<{ items: unknown[]; nextCursor: string | null }>();
    expect(kitchen.items.length).toBeLessThanOrEqual(25);
    const cheap = (await f.app.inject({ url: '/products?maxPrice=1000&limit=100' })).json<{ items: Array<{ priceCents: number }> }>();
    expect(cheap.items.every((p) => p.priceCents <= 1000)).toBe(true);
  });

  it.each([
    ['limit=0'],
    ['limit=101'],
    ['limit=-1'],
    ['limit=abc'],
    ['cursor=not-a-cursor'],
    ['sort=price_desc&cursor=' + Buffer.from(JSON.stringify(['price_asc', 100, '3f1c2b4a-9d8e-4f00-a1b2-c3d4e5f60718'])).toString('base64url')],
    ['minPrice=500&maxPrice=100'],
    ['sort=random'],
    ['unknown=1'],
  ])('rejects %s with 400', async (query) => {
    const res = await f.app.inject({ url: `/products?${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('product detail', () => {
  it('serves an ETag and answers If-None-Match with 304, then 200 after a change', async () => {
    const { rows } = await f.pool.query<{ id: string }>("SELECT id FROM products WHERE sku = 'KIT-01002'");
    const id = rows[0]!.id;
    const first = await f.app.inject({ url: `/products/${id}` });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f-]{36}\.\d+"$/);
    const again = await f.app.inject({ url: `/products/${id}`, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    await f.app.inject({ method: 'PATCH', url: `/products/${id}`, headers: auth(f.adminToken), payload: { name: 'Renamed kettle' } });
    const changed = await f.app.inject({ url: `/products/${id}`, headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('counts cache hits and misses and records views as outbox events', async () => {
    const { rows } = await f.pool.query<{ id: string }>("SELECT id FROM products WHERE sku = 'OUT-03001'");
    const id = rows[0]!.id;
    for (let i = 0; i < 3; i++) await f.app.inject({ url: `/products/${id}` });
    const metrics = (await f.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/shop_cache_requests_total\{[^}]*result="hit"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/shop_catalog_product_views_total\{[^}]*category="outdoor"[^}]*\} 3/);
    await waitFor('view events in the outbox', async () =>
      (await count(f.pool, "SELECT count(*) AS n FROM outbox WHERE event_key = $1 AND event_type = 'shop.catalog.product.viewed'", [id])) === 3,
    );
  });

  it('answers 404 for an unknown product and 400 for a malformed id', async () => {
    expect((await f.app.inject({ url: '/products/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await f.app.inject({ url: "/products/1' OR '1'='1" })).statusCode).toBe(400);
  });
});

describe('product lookup (pricing for orders)', () => {
  it('returns the active products asked for, in order, names the missing ones and records no view', async () => {
    const { rows } = await f.pool.query<{ id: string; sku: string }>("SELECT id, sku FROM products WHERE sku IN ('KIT-01003', 'OUT-03002') ORDER BY sku DESC");
    const [outdoor, kitchen] = [rows[0]!.id, rows[1]!.id];
    const withdrawn = (await f.pool.query<{ id: string }>("UPDATE products SET active = false WHERE sku = 'KIT-01004' RETURNING id")).rows[0]!.id;
    const unknown = '00000000-0000-4000-8000-000000000001';
    const viewsBefore = await count(f.pool, "SELECT count(*) AS n FROM outbox WHERE event_type = 'shop.catalog.product.viewed'");

    const response = await f.app.inject({ url: `/products/lookup?ids=${outdoor},${unknown},${kitchen.toUpperCase()},${withdrawn},${outdoor}` });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ items: { id: string; priceCents: number }[]; missing: string[] }>();
    expect(body.items.map((p) => p.id)).toEqual([outdoor, kitchen]);
    expect(body.items.every((p) => Number.isInteger(p.priceCents))).toBe(true);
    expect(body.missing).toEqual([unknown, withdrawn]);
    // Served again from the cache: same answer.
    expect((await f.app.inject({ url: `/products/lookup?ids=${outdoor},${kitchen}` })).json<{ items: unknown[] }>().items).toHaveLength(2);
    expect(await count(f.pool, "SELECT count(*) AS n FROM outbox WHERE event_type = 'shop.catalog.product.viewed'")).toBe(viewsBefore);
  });

  it.each([
    ['no ids', ''],
    ['a malformed id', 'not-a-uuid'],
    ['a trailing comma', '00000000-0000-4000-8000-000000000001,'],
    ['51 ids', Array.from({ length: 51 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',')],
  ])('answers 400 problem+json for %s', async (_what, ids) => {
    const response = await f.app.inject({ url: `/products/lookup?ids=${ids}` });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});
