import type { JwtSettings, Pool } from '@shopwatch/platform';
import type { InventoryMetrics } from '../plugins/inventory-metrics.ts';
import type { StockOperations } from '../plugins/stock-operations.ts';

/** What inventory's routes need, built once in app.ts. */
export interface InventoryContext {
  pool: Pool;
  jwt: JwtSettings;
  metrics: InventoryMetrics;
  operations: StockOperations;
  defaultThreshold: number;
  defaultReservationTtlSeconds: number;
  now: () => Date;
}
