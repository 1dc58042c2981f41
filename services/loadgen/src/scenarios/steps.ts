// Steps shared by several journeys: a page of products, a product page, a stock check.
import type { KnownProduct } from '../domain/catalogue.ts';
import { ScenarioFailure } from '../domain/outcome.ts';
import type { ScenarioContext } from './context.ts';
import { PATHS } from './paths.ts';

interface ProductBody {
  id: string;
  name: string;
  categorySlug: string;
  tags: string[];
}

export interface ProductPage {
  products: KnownProduct[];
  nextCursor: string | null;
}

function toKnown(items: unknown): KnownProduct[] {
  if (!Array.isArray(items)) return [];
  return (items as Partial<ProductBody>[])
    .filter((p): p is ProductBody => typeof p.id === 'string' && typeof p.name === 'string')
    .map((p) => ({ id: p.id, name: p.name, categorySlug: typeof p.categorySlug === 'string' ? p.categorySlug : '', tags: Array.isArray(p.tags) ? p.tags.filter((t) => typeof t === 'string') : [] }));
}

/** The shop's front page: the newest products. Fails the scenario when the shop has none. */
export async function landing(ctx: ScenarioContext): Promise<KnownProduct[]> {
  const page = await listProducts(ctx, 'landing', { limit: 20 });
  if (page.products.length === 0 && ctx.catalogue.products.length === 0) {
    throw new ScenarioFailure('no_products', 'landing', 'the catalogue lists no products');
  }
  return page.products;
}

export async function listProducts(ctx: ScenarioContext, step: string, query: Record<string, string | number | undefined>): Promise<ProductPage> {
  const answer = await ctx.send({ step, method: 'GET', path: PATHS.products, query, sessionId: ctx.sessionId, expect: [200] });
  const body = answer.body as { items?: unknown; nextCursor?: unknown };
  const products = toKnown(body.items);
  ctx.catalogue.learnProducts(products);
  return { products, nextCursor: typeof body.nextCursor === 'string' ? body.nextCursor : null };
}

export async function search(ctx: ScenarioContext, q: string): Promise<KnownProduct[]> {
  const answer = await ctx.send({ step: 'search', method: 'GET', path: PATHS.search, query: { q, limit: 20 }, sessionId: ctx.sessionId, expect: [200] });
  const products = toKnown((answer.body as { items?: unknown }).items);
  ctx.catalogue.learnProducts(products);
  return products;
}

/** A product detail page; a product that disappeared (404) is forgotten and the page is undefined. */
export async function productPage(ctx: ScenarioContext, productId: string): Promise<KnownProduct | undefined> {
  const answer = await ctx.send({ step: 'product_page', method: 'GET', path: PATHS.product(productId), sessionId: ctx.sessionId, expect: [200, 404] });
  if (answer.status === 404) {
    ctx.catalogue.forget(productId);
    return undefined;
  }
  return toKnown([answer.body])[0];
}

/** Units available to buy; undefined when the product has no stock record (404). */
export async function stock(ctx: ScenarioContext, productId: string): Promise<number | undefined> {
  const answer = await ctx.send({ step: 'stock', method: 'GET', path: PATHS.stock(productId), expect: [200, 404] });
  if (answer.status === 404) return undefined;
  const available = (answer.body as { available?: unknown }).available;
  return typeof available === 'number' ? available : undefined;
}

/** A product to look at: from what the shopper just saw, else from what loadgen knows. */
export function pickProduct(ctx: ScenarioContext, seen: readonly KnownProduct[]): KnownProduct {
  const pool = seen.length > 0 ? seen : ctx.catalogue.products;
  if (pool.length === 0) throw new ScenarioFailure('no_products', 'pick_product', 'no product known to visit');
  return ctx.random.pick(pool);
}
