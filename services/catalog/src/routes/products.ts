import { makeEvent } from '@shopwatch/contracts';
import { problems, ProblemError, requireAuth, withTransaction, type App, problemResponses } from '@shopwatch/platform';
import { Type } from 'typebox';
import { decodeCursor, encodeCursor } from '../domain/pagination.ts';
import { etagFor, matchesIfNoneMatch } from '../domain/etag.ts';
import { normaliseSearch } from '../domain/search-terms.ts';
import * as repo from '../plugins/catalog-repository.ts';
import { IdParams } from '../schemas/common.ts';
import { Product, ProductCreate, ProductListQuery, ProductLookup, ProductLookupQuery, ProductPage, ProductUpdate, SearchQuery, SearchResult } from '../schemas/product.ts';
import type { CatalogContext } from './context.ts';
import { mapWriteError } from './errors.ts';

const SOURCE = '/services/catalog';
const SessionHeader = Type.Object({ 'x-session-id': Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })) });

function snapshot(product: Product) {
  return {
    productId: product.id,
    sku: product.sku,
    name: product.name,
    categoryId: product.categoryId,
    priceCents: product.priceCents,
    currency: product.currency,
    active: product.active,
  };
}

/** `If-Match: "<id>.<version>"` → the version, or a 412 if it names another product or is garbage. */
function expectedVersion(header: string | undefined, id: string): number | undefined {
  if (header === undefined) return undefined;
  const match = /^"([0-9a-f-]{36})\.(\d{1,9})"$/.exec(header.trim());
  if (!match || match[1] !== id) throw new ProblemError(412, 'precondition-failed', 'Precondition Failed', 'If-Match does not match this product.');
  return Number(match[2]);
}

export function registerProductRoutes(app: App, ctx: CatalogContext): void {
  const admin = requireAuth(ctx.jwt, 'admin');
  const tags = ['products'];

  app.get('/products', { schema: { tags, querystring: ProductListQuery, response: { 200: ProductPage, ...problemResponses(400) } } }, async (request) => {
    const q = request.query;
    const sort = q.sort ?? 'newest';
    const limit = q.limit ?? 20;
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) {
      throw problems.badRequest('minPrice must not exceed maxPrice.', [{ field: '/querystring/minPrice', message: 'exceeds maxPrice' }]);
    }
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, sort);
    if (q.cursor !== undefined && !after) {
      throw problems.badRequest('The cursor is malformed or belongs to another sort order.', [{ field: '/querystring/cursor', message: 'is invalid' }]);
    }
    // One row more than asked tells whether a next page exists without a COUNT.
    const rows = await repo.listProducts(ctx.pool, { categorySlug: q.category, minPrice: q.minPrice, maxPrice: q.maxPrice, tag: q.tag }, sort, limit + 1, after);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor({ sort, key: repo.sortKeyOf(last, sort), id: last.id }) : null;
    return { items, nextCursor };
  });

  // Pricing for other services (orders): several products in one round trip, served from the same
  // cache, and not a product view — a shopper looking at a product is one, an order being priced is not.
  app.get('/products/lookup', { schema: { tags, querystring: ProductLookupQuery, response: { 200: ProductLookup, ...problemResponses(400) } } }, async (request) => {
    const ids = [...new Set(request.query.ids.toLowerCase().split(','))];
    const found = new Map<string, Product>();
    const uncached: string[] = [];
    for (const id of ids) {
      const cached = ctx.cache.get(id);
      if (cached) found.set(id, cached);
      else uncached.push(id);
    }
    if (uncached.length > 0) {
      for (const product of await repo.getProducts(ctx.pool, uncached)) {
        if (!product.active) continue;
        ctx.cache.set(product.id, product);
        found.set(product.id, product);
      }
    }
    return { items: ids.flatMap((id) => found.get(id) ?? []), missing: ids.filter((id) => !found.has(id)) };
  });

  app.get(
    '/products/:id',
    { schema: { tags, params: IdParams, headers: SessionHeader, response: { 200: Product, 304: Type.Null(), ...problemResponses(404) } } },
    async (request, reply) => {
      const { id } = request.params;
      let product = ctx.cache.get(id);
      if (!product) {
        product = await repo.getProduct(ctx.pool, id);
        if (!product || !product.active) throw problems.notFound(`Product ${id}`);
        ctx.cache.set(id, product);
      }
      ctx.views.record({ productId: id, categoryId: product.categoryId, categorySlug: product.categorySlug, sessionId: request.headers['x-session-id'] });
      const etag = etagFor(product.id, product.version);
      reply.header('etag', etag).header('cache-control', 'public, max-age=0, must-revalidate');
      if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
      return product;
    },
  );

  app.get('/search', { schema: { tags, querystring: SearchQuery, response: { 200: SearchResult, ...problemResponses(400) } } }, async (request) => {
    const text = normaliseSearch(request.query.q);
    if (text.length === 0) throw problems.badRequest('The search text is empty.', [{ field: '/querystring/q', message: 'is blank' }]);
    const stop = ctx.metrics.searchDuration.startTimer();
    const result = await repo.searchProducts(ctx.pool, text, request.query.category, request.query.limit ?? 20, request.query.offset ?? 0);
    stop();
    const zeroResults = result.total === 0;
    ctx.metrics.searches.inc({ outcome: zeroResults ? 'zero_results' : 'results' });
    if (zeroResults) ctx.metrics.zeroResultSearches.inc();
    return { items: result.items, total: result.total, zeroResults };
  });

  app.post(
    '/products',
    { onRequest: admin, schema: { tags, body: ProductCreate, response: { 201: Product, ...problemResponses(400, 401, 403, 409, 422) } } },
    async (request, reply) => {
      const product = await withTransaction(ctx.pool, async (client) => {
        const created = await repo.createProduct(client, request.body).catch(mapWriteError);
        await ctx.enqueue(client, [makeEvent('shop.catalog.product.created', created.id, snapshot(created), { source: SOURCE, now: ctx.now })]);
        return created;
      });
      return reply.code(201).header('location', `/products/${product.id}`).header('etag', etagFor(product.id, product.version)).send(product);
    },
  );

  app.patch(
    '/products/:id',
    {
      onRequest: admin,
      schema: {
        tags,
        params: IdParams,
        body: ProductUpdate,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: Product, ...problemResponses(400, 401, 403, 404, 412, 422) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const version = expectedVersion(request.headers['if-match'], id);
      const outcome = await withTransaction(ctx.pool, async (client) => {
        const result = await repo.updateProduct(client, id, request.body, version).catch(mapWriteError);
        if (typeof result === 'string') return result;
        const data = { ...snapshot(result.product), changedFields: result.changed };
        await ctx.enqueue(client, [makeEvent('shop.catalog.product.updated', id, data, { source: SOURCE, now: ctx.now })]);
        return result.product;
      });
      if (outcome === 'missing') throw problems.notFound(`Product ${id}`);
      if (outcome === 'version-mismatch') throw new ProblemError(412, 'precondition-failed', 'Precondition Failed', 'The product changed since you read it.');
      ctx.cache.delete(id);
      return reply.header('etag', etagFor(outcome.id, outcome.version)).send(outcome);
    },
  );

  app.delete(
    '/products/:id',
    { onRequest: admin, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } } },
    async (request, reply) => {
      const { id } = request.params;
      const deleted = await withTransaction(ctx.pool, async (client) => {
        if (!(await repo.deleteProduct(client, id))) return false;
        await ctx.enqueue(client, [makeEvent('shop.catalog.product.deleted', id, { productId: id }, { source: SOURCE, now: ctx.now })]);
        return true;
      });
      if (!deleted) throw problems.notFound(`Product ${id}`);
      ctx.cache.delete(id);
      return reply.code(204).send(null);
    },
  );
}
