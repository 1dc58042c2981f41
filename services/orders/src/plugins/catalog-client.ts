// Looks products up at catalog to price orders server-side: one `GET /products/lookup?ids=…`
// per order (catalog answers from its cache and, unlike `GET /products/:id`, records no product
// view — pricing an order is not a shopper looking at a product). Found and missing are answers;
// anything else (unreachable, timeout, 5xx, a body of the wrong shape) means catalog is unavailable.
// A connection error is tried once more first.
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

/** Connection-level failures: the lookup never got an answer from a catalog pod (nothing changed there). */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

function connectionError(error: unknown): boolean {
  for (let current: unknown = error; typeof current === 'object' && current !== null; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_ERRORS.has(code)) return true;
  }
  return false;
}

export function createCatalogClient(options: { baseUrl: string; timeoutMs: number; metrics: OrdersMetrics }): CatalogClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const count = (outcome: string, n = 1) => options.metrics.catalogLookups.inc({ outcome }, n);

  return {
    async lookup(productIds) {
      let response: Response;
      const url = `${base}/products/lookup?ids=${productIds.map(encodeURIComponent).join(',')}`;
      // One budget for both tries: the order's request waits no longer than it did before.
      const signal = AbortSignal.timeout(options.timeoutMs);
      const send = () => fetch(url, { signal, headers: { accept: 'application/json' } });
      try {
        // A lookup is a read: sent once more when the connection failed, e.g. a kept-alive socket
        // to a catalog pod that is going away in a rollout (the retry gets a new connection).
        response = await send().catch((error: unknown) => {
          if (!connectionError(error) || signal.aborted) throw error;
          count('retried');
          return send();
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
