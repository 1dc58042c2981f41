// The simulated supplier (off unless REPLENISH_INTERVAL_MS is set): tops up products that ran low,
// so a shop under synthetic load for hours keeps selling instead of ending in out-of-stock
// cancellations only. Deliveries raise available stock, so they never signal low stock; they
// re-arm the signal for the next downward crossing.
import { RecurringJob, withTransaction, type Logger, type Pool } from '@shopwatch/platform';
import type { InventoryMetrics } from './inventory-metrics.ts';
import { replenish } from './stock-store.ts';

export interface ReplenisherOptions {
  pool: Pool;
  metrics: InventoryMetrics;
  logger: Logger;
  now: () => Date;
  below: number;
  quantity: number;
  /** Products topped up per round (default 500). */
  maxProducts?: number;
}

export class Replenisher {
  private readonly options: ReplenisherOptions;
  private readonly job: RecurringJob<number>;

  constructor(options: ReplenisherOptions) {
    this.options = options;
    this.job = new RecurringJob(() => this.deliverRound(), {
      onError: (error) => options.logger.warn({ err: error }, 'replenishment failed, will retry'),
    });
  }

  /** One delivery round; resolves to the products topped up. */
  deliver(): Promise<number> {
    return this.job.runNow();
  }

  private async deliverRound(): Promise<number> {
    const { below, quantity, maxProducts = 500 } = this.options;
    const result = await withTransaction(this.options.pool, (client) => replenish(client, below, quantity, maxProducts, this.options.now()));
    if (result.units > 0) {
      this.options.metrics.unitsRestocked.inc({ source: 'supplier' }, result.units);
      this.options.logger.info(result, 'simulated supplier delivered');
    }
    return result.products;
  }

  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.job.stop();
  }
}
