// Moves shipments along their simulated journey: every interval it claims the shipments whose next
// step is due (FOR UPDATE SKIP LOCKED, so replicas share the work without waiting for each other)
// and advances each one step, publishing the dispatched / in-transit / delivered facts through
// the outbox in the same transaction.
import { RecurringJob, withTransaction, type Logger, type Pool } from '@shopwatch/platform';
import type { ShippingOperations } from './shipping-operations.ts';

export interface ProgressTickerOptions {
  pool: Pool;
  operations: ShippingOperations;
  logger: Logger;
  /** Shipments per transaction (default 50). */
  batchSize?: number;
  /** Most shipments moved per tick; the next tick continues (default 1000). */
  maxPerTick?: number;
}

export class ProgressTicker {
  private readonly options: ProgressTickerOptions;
  private readonly job: RecurringJob<number>;

  constructor(options: ProgressTickerOptions) {
    this.options = options;
    this.job = new RecurringJob(() => this.tickAll(), {
      onError: (error) => options.logger.warn({ err: error }, 'shipment progress tick failed, will retry'),
    });
  }

  /** Advances every due shipment one step now; resolves to how many moved. Overlapping calls share one tick. */
  tick(): Promise<number> {
    return this.job.runNow();
  }

  private async tickAll(): Promise<number> {
    const batchSize = this.options.batchSize ?? 50;
    const max = this.options.maxPerTick ?? 1_000;
    let moved = 0;
    while (moved < max) {
      const result = await withTransaction(this.options.pool, (client) => this.options.operations.advanceDue(client, batchSize));
      result.count();
      moved += result.value;
      if (result.value < batchSize) break;
    }
    return moved;
  }

  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  /** Stops the timer and waits for a tick in progress. */
  stop(): Promise<void> {
    return this.job.stop();
  }
}
