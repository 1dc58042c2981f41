// Builds the shipping app from its dependencies. No process concerns here (ports, signals,
// migrations, Kafka): server.ts does those; tests call buildShippingApp with real PostgreSQL.
import { createApp, createMetrics, pingDatabase, registerHttpFaults, type App, type HttpFaults, type JwtSettings, type Logger, type Pool } from '@shopwatch/platform';
import type { StageDurations } from './domain/shipment.ts';
import { ProgressTicker } from './plugins/progress-ticker.ts';
import { statusCounts } from './plugins/shipment-store.ts';
import { createShippingMetrics, type ShippingMetrics } from './plugins/shipping-metrics.ts';
import { createShippingOperations, type ShippingOperations } from './plugins/shipping-operations.ts';
import { registerQuoteRoutes } from './routes/quotes.ts';
import { registerShipmentRoutes } from './routes/shipments.ts';
import type { ShippingFaults } from './schemas/faults.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Shipping's operations, shared with the Kafka handler (server.ts). */
    shipping: ShippingOperations;
    /** Moves due shipments along; server.ts starts its timer, tests call tick(). */
    progressTicker: ProgressTicker;
    shippingMetrics: ShippingMetrics;
  }
}

export const DEFAULT_DURATIONS: StageDurations = { dispatchMs: 5_000, inTransitMs: 20_000, deliverMs: 60_000, expressFactor: 0.5, jitter: 0.3 };

export interface ShippingDeps {
  pool: Pool;
  logger: Logger;
  jwt: JwtSettings;
  now?: () => Date;
  random?: () => number;
  durations?: StageDurations;
  confirmationSlackMs?: number;
  /** Where replies and facts are written (default: the registry's `shop.shipping.events.v1`). */
  eventsTopic?: string;
  /** Run-time faults (from FAULTS_FILE): `http` at the edge, `shipping` for the saga; none when absent. */
  faults?: { current(): { http: HttpFaults; shipping?: ShippingFaults } };
}

export async function buildShippingApp(deps: ShippingDeps): Promise<App> {
  const serviceMetrics = createMetrics('shipping');
  const metrics = createShippingMetrics(serviceMetrics.registry, () => statusCounts(deps.pool));
  const app = await createApp({
    service: 'shipping',
    description: 'Shipping quotes, shipments and their delivery progress; a checkout-saga participant.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  const faults = deps.faults;
  const operations = createShippingOperations({
    metrics,
    now: deps.now ?? (() => new Date()),
    random: deps.random ?? Math.random,
    durations: deps.durations ?? DEFAULT_DURATIONS,
    confirmationSlackMs: deps.confirmationSlackMs ?? 10_000,
    ...(deps.eventsTopic ? { eventsTopic: deps.eventsTopic } : {}),
    ...(faults ? { faults: () => faults.current().shipping ?? { failureRate: 0, processingDelayMs: 0 } } : {}),
  });
  const ticker = new ProgressTicker({ pool: deps.pool, operations, logger: deps.logger });

  app.readiness.add('postgres', () => pingDatabase(deps.pool));
  if (faults) registerHttpFaults(app, faults);
  const ctx = { pool: deps.pool, jwt: deps.jwt, metrics };
  registerQuoteRoutes(app, ctx);
  registerShipmentRoutes(app, ctx);
  app.decorate('shipping', operations);
  app.decorate('progressTicker', ticker);
  app.decorate('shippingMetrics', metrics);
  app.addHook('onClose', async () => {
    await ticker.stop();
  });
  return app;
}
