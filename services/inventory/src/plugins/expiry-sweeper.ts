// Releases reservations whose expiry passed without a commit or release (an abandoned checkout,
// an orchestrator that died): their units become available again and a `released` fact with
// reason `expired` tells the rest of the shop. One transaction per reservation, claimed with
// SKIP LOCKED, so any number of replicas can sweep at once without waiting for each other.
import { RecurringJob, withTransaction, type Logger, type Pool } from '@shopwatch/platform';
import type { InventoryMetrics } from './inventory-metrics.ts';
import type { StockOperations } from './stock-operations.ts';

export interface ExpirySweeperOptions {
  pool: Pool;
  operations: StockOperations;
  metrics: InventoryMetrics;
  logger: Logger;
  /** Most reservations released per sweep; the next sweep continues (default 500). */
  maxPerSweep?: number;
}

export class ExpirySweeper {
  private readonly options: ExpirySweeperOptions;
  private readonly job: RecurringJob<number>;

  constructor(options: ExpirySweeperOptions) {
    this.options = options;
    this.job = new RecurringJob(() => this.sweepAll(), {
      onError: (error) => options.logger.warn({ err: error }, 'reservation sweep failed, will retry'),
    });
  }

  /** Releases expired reservations now; resolves to how many. Overlapping calls share one sweep. */
  sweep(): Promise<number> {
    return this.job.runNow();
  }

  private async sweepAll(): Promise<number> {
    const max = this.options.maxPerSweep ?? 500;
    let released = 0;
    while (released < max) {
      const reservation = await withTransaction(this.options.pool, (client) => this.options.operations.releaseOneExpired(client));
      if (!reservation) break;
      released += 1;
      this.options.metrics.settlements.inc({ outcome: 'expired' });
    }
    if (released > 0) this.options.logger.info({ released }, 'expired reservations released');
    return released;
  }

  /** Sweeps every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void> {
    return this.job.stop();
  }
}
