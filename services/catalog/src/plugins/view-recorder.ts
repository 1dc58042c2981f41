// Product views become `shop.catalog.product.viewed` events through the outbox — but not one
// INSERT per page view: that would turn every read into a write. Views are buffered and written
// in one multi-row transaction per second (or per 500 views). The trade-off, on purpose: a crash
// loses at most the last second of views (clickstream, not money); SIGTERM flushes the buffer.
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { withTransaction, type Logger, type Pool, type PoolClient } from '@shopwatch/platform';
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
  private buffer: ShopEvent[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBuffered: number;
  private readonly options: ViewRecorderOptions;

  constructor(options: ViewRecorderOptions) {
    this.options = options;
    this.maxBuffered = options.maxBuffered ?? 500;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  record(view: { productId: string; categoryId: string; categorySlug: string; sessionId?: string | undefined }): void {
    this.options.metrics.productViews.inc({ category: view.categorySlug });
    const data = { productId: view.productId, categoryId: view.categoryId, ...(view.sessionId ? { sessionId: view.sessionId } : {}) };
    this.buffer.push(makeEvent('shop.catalog.product.viewed', view.productId, data, { source: '/services/catalog', now: this.options.now }));
    this.options.metrics.viewsBuffered.set(this.buffer.length);
    if (this.buffer.length >= this.maxBuffered) void this.flush();
  }

  /** Writes buffered views to the outbox; on failure they are put back and retried next tick. */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = (async () => {
      try {
        await withTransaction(this.options.pool, (client) => this.options.enqueue(client, batch));
      } catch (error) {
        // Keep a bounded backlog so an outage cannot exhaust memory; the oldest views go first.
        this.buffer = [...batch, ...this.buffer].slice(-10 * this.maxBuffered);
        this.options.logger.warn({ err: error, pending: this.buffer.length }, 'could not write view events, will retry');
      } finally {
        this.options.metrics.viewsBuffered.set(this.buffer.length);
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }
}
