// The simulated supplier (off unless REPLENISH_INTERVAL_MS is set): tops up products that ran low,
// so a shop under synthetic load for hours keeps selling instead of ending in out-of-stock
// cancellations only. Deliveries raise available stock, so they never signal low stock; they
// re-arm the signal for the next downward crossing.
import { withTransaction, type Logger, type Pool } from '@shopwatch/platform';
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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(options: ReplenisherOptions) {
    this.options = options;
  }

  /** One delivery round; resolves to the products topped up. */
  deliver(): Promise<number> {
    this.running ??= (async () => {
      const { below, quantity, maxProducts = 500 } = this.options;
      const result = await withTransaction(this.options.pool, (client) => replenish(client, below, quantity, maxProducts, this.options.now()));
      if (result.units > 0) {
        this.options.metrics.unitsRestocked.inc({ source: 'supplier' }, result.units);
        this.options.logger.info(result, 'simulated supplier delivered');
      }
      return result.products;
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.deliver().catch((error: unknown) => this.options.logger.warn({ err: error }, 'replenishment failed, will retry'));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
