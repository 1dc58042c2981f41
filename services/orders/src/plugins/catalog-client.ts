// Looks products up at catalog (`GET /products/:id`) to price orders server-side. Lookups of one
// order run in parallel, each with a timeout. Found and not found are answers; anything else
// (unreachable, timeout, 5xx, a body that is not a product) means catalog is unavailable.
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

export function createCatalogClient(options: { baseUrl: string; timeoutMs: number; metrics: OrdersMetrics }): CatalogClient {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function one(id: string): Promise<CatalogProduct | undefined> {
    let response: Response;
    try {
      response = await fetch(`${base}/products/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(options.timeoutMs), headers: { accept: 'application/json' } });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      options.metrics.catalogLookups.inc({ outcome: timedOut ? 'timeout' : 'error' });
      throw new CatalogUnavailableError(timedOut ? `no answer within ${options.timeoutMs} ms` : 'unreachable');
    }
    if (response.status === 404) {
      await response.body?.cancel();
      options.metrics.catalogLookups.inc({ outcome: 'not_found' });
      return undefined;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      options.metrics.catalogLookups.inc({ outcome: 'error' });
      throw new CatalogUnavailableError(`status ${response.status}`);
    }
    const body = (await response.json().catch(() => undefined)) as Partial<CatalogProduct> & { active?: unknown } | undefined;
    if (!body || typeof body.priceCents !== 'number' || !Number.isInteger(body.priceCents) || body.priceCents < 0 || typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency)) {
      options.metrics.catalogLookups.inc({ outcome: 'error' });
      throw new CatalogUnavailableError('unexpected product body');
    }
    options.metrics.catalogLookups.inc({ outcome: 'found' });
    if (body.active === false) return undefined;
    return { id, priceCents: body.priceCents, currency: body.currency };
  }

  return {
    async lookup(productIds) {
      const settled = await Promise.allSettled(productIds.map(one));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      return new Map(productIds.map((id, i) => [id, (settled[i] as PromiseFulfilledResult<CatalogProduct | undefined>).value]));
    },
  };
}
