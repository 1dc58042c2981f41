// Builds the inventory app from its dependencies. No process concerns here (ports, signals,
// migrations, Kafka): server.ts does those, tests call buildInventoryApp with real PostgreSQL.
import { createApp, createMetrics, pingDatabase, registerHttpFaults, type App, type HttpFaults, type JwtSettings, type Logger, type Pool } from '@shopwatch/platform';
import { INVENTORY_EVENTS_TOPIC } from '@shopwatch/contracts';
import { ExpirySweeper } from './plugins/expiry-sweeper.ts';
import { createInventoryMetrics } from './plugins/inventory-metrics.ts';
import { Replenisher } from './plugins/replenisher.ts';
import { createStockOperations, type StockOperations } from './plugins/stock-operations.ts';
import { stockSnapshot } from './plugins/stock-store.ts';
import type { InventoryContext } from './routes/context.ts';
import { NO_FAULTS, type InventoryFaults } from './schemas/faults.ts';
import { registerReservationRoutes } from './routes/reservations.ts';
import { registerStockRoutes } from './routes/stock.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The stock operations, shared with the saga command consumer (server.ts). */
    inventory: StockOperations;
    /** Releases expired reservations; server.ts starts its timer, tests call sweep(). */
    reservationSweeper: ExpirySweeper;
    /** The simulated supplier; server.ts starts it when REPLENISH_INTERVAL_MS is set. */
    replenisher: Replenisher;
  }
}

export interface InventoryDeps {
  pool: Pool;
  logger: Logger;
  jwt: JwtSettings;
  now?: () => Date;
  /** Service-wide low-stock threshold (default 5). */
  lowStockThreshold?: number;
  /** Expiry of HTTP reservations without `expiresAt` (default 900 s). */
  defaultReservationTtlSeconds?: number;
  /** Simulated supplier: products at or below `below` available get `quantity` more (default 0 / 50). */
  replenish?: { below: number; quantity: number };
  /** Where replies and facts are written (default: the registry's `shop.inventory.events.v1`). */
  eventsTopic?: string;
  /** Run-time faults (from FAULTS_FILE): `http` at the edge, `inventory` inside; none when absent. */
  faults?: { current(): { http: HttpFaults; inventory?: InventoryFaults } };
}

export async function buildInventoryApp(deps: InventoryDeps): Promise<App> {
  const serviceMetrics = createMetrics('inventory');
  const now = deps.now ?? (() => new Date());
  const defaultThreshold = deps.lowStockThreshold ?? 5;
  const metrics = createInventoryMetrics(serviceMetrics.registry, { snapshot: () => stockSnapshot(deps.pool, defaultThreshold, now()) });
  const app = await createApp({
    service: 'inventory',
    description: 'Stock levels and reservations for Shopwatch: reserve, release and commit as a checkout-saga participant.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  const faults = deps.faults;
  const operations = createStockOperations({
    metrics,
    now,
    defaultThreshold,
    eventsTopic: deps.eventsTopic ?? INVENTORY_EVENTS_TOPIC,
    ...(faults ? { faults: () => faults.current().inventory ?? NO_FAULTS } : {}),
  });
  const ctx: InventoryContext = {
    pool: deps.pool,
    jwt: deps.jwt,
    metrics,
    operations,
    defaultThreshold,
    defaultReservationTtlSeconds: deps.defaultReservationTtlSeconds ?? 900,
    now,
  };

  app.readiness.add('postgres', () => pingDatabase(deps.pool));
  if (faults) registerHttpFaults(app, faults);
  registerStockRoutes(app, ctx);
  registerReservationRoutes(app, ctx);
  const sweeper = new ExpirySweeper({ pool: deps.pool, operations, metrics, logger: deps.logger });
  app.decorate('inventory', operations);
  app.decorate('reservationSweeper', sweeper);
  const replenisher = new Replenisher({ pool: deps.pool, metrics, logger: deps.logger, now, below: deps.replenish?.below ?? 0, quantity: deps.replenish?.quantity ?? 50 });
  app.decorate('replenisher', replenisher);
  app.addHook('onClose', async () => {
    await sweeper.stop();
    await replenisher.stop();
  });
  return app;
}
