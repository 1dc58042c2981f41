// Bad input on every catalog route gets a 4xx problem+json — never a 5xx — and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { count, startCatalog, type CatalogFixture } from '../support/catalog-fixture.ts';

let f: CatalogFixture;
let productId: string;
let categoryId: string;

beforeAll(async () => {
  f = await startCatalog();
  productId = (await f.pool.query<{ id: string }>("SELECT id FROM products WHERE sku = 'KIT-01001'")).rows[0]!.id;
  categoryId = (await f.pool.query<{ id: string }>("SELECT id FROM categories WHERE slug = 'books'")).rows[0]!.id;
});
afterAll(() => f?.close());

const huge = 'x'.repeat(100_000);
const validProduct = () => ({ sku: 'BAD-0001', name: 'Valid name', categoryId, priceCents: 100 });

/** Bodies that must be refused by a create route (each derived from a valid one). */
function badBodies(valid: Record<string, unknown>, stringField: string, numberField?: string): Array<[string, string]> {
  const cases: Array<[string, string]> = [
    ['malformed JSON', '{"sku": "A",'],
    ['JSON array', '[]'],
    ['JSON null', 'null'],
    ['JSON string', '"hello"'],
    ['empty object', '{}'],
    ['unknown field', JSON.stringify({ ...valid, isAdmin: true })],
    ['wrong type', JSON.stringify({ ...valid, [stringField]: 42 })],
    ['oversize string', JSON.stringify({ ...valid, [stringField]: 'y'.repeat(6000) })],
    ['oversize body', JSON.stringify({ ...valid, blob: huge })],
    ['prototype pollution', `{"__proto__": {"admin": true}, ${JSON.stringify(valid).slice(1)}`],
  ];
  for (const key of Object.keys(valid)) {
    const { [key]: _omit, ...rest } = valid;
    cases.push([`missing ${key}`, JSON.stringify(rest)]);
  }
  if (numberField) {
    cases.push(
      ['negative number', JSON.stringify({ ...valid, [numberField]: -1 })],
      ['huge number', JSON.stringify({ ...valid, [numberField]: 1e21 })],
      ['fractional number', JSON.stringify({ ...valid, [numberField]: 10.5 })],
      ['number as string', JSON.stringify({ ...valid, [numberField]: '100' })],
      ['NaN-like', `{${JSON.stringify(valid).slice(1, -1).replace(/"priceCents":\d+/, '"priceCents":NaN')}}`],
    );
  }
  return cases;
}


describe('bad input on write routes', () => {
  const auth = () => ({ authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' });

  it('POST /products refuses every malformed body and stores nothing', async () => {
    const before = await count(f.pool, 'SELECT count(*) AS n FROM products');
    const outboxBefore = await count(f.pool, 'SELECT count(*) AS n FROM outbox');
    const cases = [
      ...badBodies(validProduct(), 'name', 'priceCents'),
      ['bad sku characters', JSON.stringify({ ...validProduct(), sku: "a'; DROP TABLE products;--" })],
      ['unicode sku', JSON.stringify({ ...validProduct(), sku: 'SKU-☕' })],
      ['bad category id', JSON.stringify({ ...validProduct(), categoryId: 'kitchen' })],
      ['bad currency', JSON.stringify({ ...validProduct(), currency: 'euro' })],
      ['javascript image url', JSON.stringify({ ...validProduct(), imageUrl: 'javascript:alert(1)' })],
      ['too many tags', JSON.stringify({ ...validProduct(), tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })],
      ['duplicate tags', JSON.stringify({ ...validProduct(), tags: ['a', 'a'] })],
      ['empty name', JSON.stringify({ ...validProduct(), name: '' })],
    ] as Array<[string, string]>;
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'POST', url: '/products', headers: auth(), payload }), 'client', what);
    }
    expectProblem(await f.app.inject({ method: 'POST', url: '/products', headers: { ...auth(), 'content-type': 'text/plain' }, payload: 'hi' }), 'client', 'text/plain');
    expect(await count(f.pool, 'SELECT count(*) AS n FROM products')).toBe(before);
    expect(await count(f.pool, 'SELECT count(*) AS n FROM outbox')).toBe(outboxBefore);
  });

  it('PATCH /products/:id refuses malformed bodies and ids and changes nothing', async () => {
    const before = await f.pool.query('SELECT * FROM products WHERE id = $1', [productId]);
    const cases: Array<[string, string, string]> = [
      ['empty patch', `/products/${productId}`, '{}'],
      ['unknown field', `/products/${productId}`, JSON.stringify({ sku: 'CHANGED' })],
      ['wrong type', `/products/${productId}`, JSON.stringify({ priceCents: 'cheap' })],
      ['negative price', `/products/${productId}`, JSON.stringify({ priceCents: -100 })],
      ['huge price', `/products/${productId}`, '{"priceCents": 9007199254740993}'],
      ['null name', `/products/${productId}`, JSON.stringify({ name: null })],
      ['malformed JSON', `/products/${productId}`, '{"name":'],
      ['bad id', '/products/42', JSON.stringify({ name: 'x' })],
      ['sql id', `/products/${encodeURIComponent("1' OR 1=1--")}`, JSON.stringify({ name: 'x' })],
    ];
    for (const [what, url, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'PATCH', url, headers: auth(), payload }), 'client', what);
    }
    expectProblem(await f.app.inject({ method: 'PATCH', url: `/products/${productId}`, headers: { ...auth(), 'if-match': 'garbage' }, payload: { name: 'x' } }), 'client', 'bad If-Match');
    const after = await f.pool.query('SELECT * FROM products WHERE id = $1', [productId]);
    expect(after.rows).toEqual(before.rows);
  });

  it('DELETE routes refuse malformed ids', async () => {
    for (const url of ['/products/abc', `/products/${'9'.repeat(500)}`, '/categories/abc']) {
      expectProblem(await f.app.inject({ method: 'DELETE', url, headers: auth() }), 'client', url);
    }
  });

  it('POST and PATCH /categories refuse malformed bodies and store nothing', async () => {
    const before = await count(f.pool, 'SELECT count(*) AS n FROM categories');
    const cases = [
      ...badBodies({ slug: 'new-things', name: 'New things' }, 'name'),
      ['uppercase slug', JSON.stringify({ slug: 'New', name: 'x' })],
      ['slug with spaces', JSON.stringify({ slug: 'a b', name: 'x' })],
      ['duplicate slug', JSON.stringify({ slug: 'books', name: 'Books again' })],
    ] as Array<[string, string]>;
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'POST', url: '/categories', headers: auth(), payload }), 'client', what);
    }
    for (const payload of ['{}', JSON.stringify({ slug: 'renamed' }), JSON.stringify({ name: 5 }), JSON.stringify({ name: 'z'.repeat(101) })]) {
      expectProblem(await f.app.inject({ method: 'PATCH', url: `/categories/${categoryId}`, headers: auth(), payload }), 'client', payload);
    }
    expect(await count(f.pool, 'SELECT count(*) AS n FROM categories')).toBe(before);
  });
});

describe('bad input on read routes', () => {
  it.each([
    '/products?limit=1e3',
    '/products?minPrice=-5',
    '/products?maxPrice=999999999999',
    '/products?category=NOT%20A%20SLUG',
    '/products?tag=%00',
    `/products?cursor=${'A'.repeat(600)}`,
    '/products/%E2%98%95',
    '/search',
    '/search?q=',
    `/search?q=${'k'.repeat(201)}`,
    '/search?q=tea&offset=-1',
    '/search?q=tea&offset=5000',
    '/search?q=%01%02%03',
    '/search?q=tea&category=%27%3B',
    '/categories/not-a-uuid',
  ])('GET %s → 4xx problem', async (url) => {
    expectProblem(await f.app.inject({ url }), 'client', url);
  });
});
