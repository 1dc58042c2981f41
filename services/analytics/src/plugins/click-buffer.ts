// Storefront clicks are clickstream, not money: POST /events answers 202 once a batch is validated
// and buffered, and the buffer is written to the minute buckets in one transaction per second (or
// per `maxBuffered` hits). One write per second instead of one per batch keeps the hot rows (this
// minute's buckets, which every batch adds to) from serialising concurrent requests. The trade-off,
// on purpose: a crash loses at most the last second of clicks; SIGTERM flushes the buffer. If the
// database is down, hits are kept (bounded, oldest dropped first) and retried on the next tick.
import type { Logger, Pool } from '@shopwatch/platform';
import type { Gauge } from 'prom-client';
import type { FunnelHit } from '../domain/funnel.ts';
import { recordHits } from './funnel-store.ts';

export interface ClickBufferOptions {
  pool: Pool;
  logger: Logger;
  buffered: Gauge;
  flushIntervalMs?: number;
  /** Flush early at this many hits; at most 10× this many are kept while the database is down. */
  maxBuffered?: number;
}

export class ClickBuffer {
  private hits: FunnelHit[] = [];
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBuffered: number;
  private readonly options: ClickBufferOptions;

  constructor(options: ClickBufferOptions) {
    this.options = options;
    this.maxBuffered = options.maxBuffered ?? 5_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  add(hits: readonly FunnelHit[]): void {
    if (hits.length === 0) return;
    this.hits.push(...hits);
    this.options.buffered.set(this.hits.length);
    if (this.hits.length >= this.maxBuffered) void this.flush();
  }

  /** Writes what is buffered (waiting for a flush in progress first, so nothing added before the call is left behind). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.hits.length === 0) return;
    const batch = this.hits;
    this.hits = [];
    this.flushing = (async () => {
      try {
        await recordHits(this.options.pool, batch);
      } catch (error) {
        this.hits = [...batch, ...this.hits].slice(-10 * this.maxBuffered);
        this.options.logger.warn({ err: error, pending: this.hits.length }, 'could not write click aggregates, will retry');
      } finally {
        this.options.buffered.set(this.hits.length);
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
