// Looks products up at catalog to price orders server-side: one `GET /products/lookup?ids=…`
// per order (catalog answers from its cache and, unlike `GET /products/:id`, records no product
// view — pricing an order is not a shopper looking at a product). Found and missing are answers;
// anything else (unreachable, timeout, 5xx, a body of the wrong shape) means catalog is unavailable.
import type { CatalogProduct } from '../domain/pricing.ts';
import type { OrdersMetrics } from './orders-metrics.ts';

export class CatalogUnavailableError extends Error {
  constructor(detail: string) {
    super(`catalog unavailable: ${detail}`);
    this.name = 'CatalogUnavailableError';
  }
}

export interface CatalogClient {
  /** Each id → the product, or undefined when catalog does not have it for sale. */
  lookup(productIds: readonly string[]): Promise<Map<string, CatalogProduct | undefined>>;
}

interface LookupBody {
  items: { id: string; priceCents: number; currency: string; active: boolean }[];
}

function isLookupBody(body: unknown): body is LookupBody {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { items?: unknown }).items)) return false;
  return (body as { items: unknown[] }).items.every((item) => {
    const p = item as Partial<LookupBody['items'][number]> | null;
    return (
      typeof p?.id === 'string' &&
      typeof p.priceCents === 'number' &&
      Number.isInteger(p.priceCents) &&
      p.priceCents >= 0 &&
      typeof p.currency === 'string' &&
      /^[A-Z]{3}$/.test(p.currency) &&
      typeof p.active === 'boolean'
    );
  });
}

export function createCatalogClient(options: { baseUrl: string; timeoutMs: number; metrics: OrdersMetrics }): CatalogClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const count = (outcome: string, n = 1) => options.metrics.catalogLookups.inc({ outcome }, n);

  return {
    async lookup(productIds) {
      let response: Response;
      try {
        response = await fetch(`${base}/products/lookup?ids=${productIds.map(encodeURIComponent).join(',')}`, {
          signal: AbortSignal.timeout(options.timeoutMs),
          headers: { accept: 'application/json' },
        });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        count(timedOut ? 'timeout' : 'error');
        throw new CatalogUnavailableError(timedOut ? `no answer within ${options.timeoutMs} ms` : 'unreachable');
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        count('error');
        throw new CatalogUnavailableError(`status ${response.status}`);
      }
      const body: unknown = await response.json().catch(() => undefined);
      if (!isLookupBody(body)) {
        count('error');
        throw new CatalogUnavailableError('unexpected lookup body');
      }
      // Ids are UUIDs; catalog answers them in canonical lower case.
      const byId = new Map(body.items.filter((p) => p.active).map((p) => [p.id.toLowerCase(), p]));
      const result = new Map<string, CatalogProduct | undefined>();
      for (const id of productIds) {
        const product = byId.get(id.toLowerCase());
        result.set(id, product ? { id, priceCents: product.priceCents, currency: product.currency } : undefined);
      }
      const found = [...result.values()].filter(Boolean).length;
      if (found > 0) count('found', found);
      if (productIds.length > found) count('not_found', productIds.length - found);
      return result;
    },
  };
}
