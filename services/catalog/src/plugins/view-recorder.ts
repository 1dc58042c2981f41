// Product views become `shop.catalog.product.viewed` events through the outbox — but not one
// INSERT per page view: that would turn every read into a write. Views go through the platform's
// WriteBehindBuffer, written in one multi-row transaction per second (or per 500 views). The
// trade-off, on purpose: a crash loses at most the last second of views (clickstream, not money);
// SIGTERM flushes the buffer; while the database is down views are kept (bounded) and retried.
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { WriteBehindBuffer, withTransaction, type Logger, type Pool, type PoolClient } from '@shopwatch/platform';
import type { CatalogMetrics } from './catalog-metrics.ts';

export type EnqueueEvents = (client: PoolClient, events: ShopEvent[]) => Promise<void>;

export interface ViewRecorderOptions {
  pool: Pool;
  enqueue: EnqueueEvents;
  metrics: CatalogMetrics;
  logger: Logger;
  now: () => Date;
  flushIntervalMs?: number;
  maxBuffered?: number;
}

export class ViewRecorder {
  readonly #buffer: WriteBehindBuffer<ShopEvent>;
  readonly #options: ViewRecorderOptions;

  constructor(options: ViewRecorderOptions) {
    this.#options = options;
    const { pool, enqueue, metrics, logger } = options;
    this.#buffer = new WriteBehindBuffer<ShopEvent>({
      write: (batch) => withTransaction(pool, (client) => enqueue(client, [...batch])),
      maxBuffered: options.maxBuffered ?? 500,
      ...(options.flushIntervalMs ? { flushIntervalMs: options.flushIntervalMs } : {}),
      onSizeChange: (size) => metrics.viewsBuffered.set(size),
      onWriteError: (error, pending) => logger.warn({ err: error, pending }, 'could not write view events, will retry'),
      onDropped: (count) => logger.warn({ dropped: count }, 'view events dropped: the buffer is full while the database is unreachable'),
    });
  }

  record(view: { productId: string; categoryId: string; categorySlug: string; sessionId?: string | undefined }): void {
    this.#options.metrics.productViews.inc({ category: view.categorySlug });
    const data = { productId: view.productId, categoryId: view.categoryId, ...(view.sessionId ? { sessionId: view.sessionId } : {}) };
    this.#buffer.add([makeEvent('shop.catalog.product.viewed', view.productId, data, { source: '/services/catalog', now: this.#options.now })]);
  }

  /** Writes the buffered views to the outbox now (tests; the interval does it otherwise). */
  flush(): Promise<void> {
    return this.#buffer.flush();
  }

  close(): Promise<void> {
    return this.#buffer.close();
  }
}
