// Builds the orders app from its dependencies. No process concerns here (ports, signals,
// migrations, Kafka consumer): server.ts does those; tests call buildOrdersApp with real
// PostgreSQL and a real catalog on a port.
import { INVENTORY_COMMANDS_TOPIC, ORDERS_EVENTS_TOPIC, PAYMENTS_COMMANDS_TOPIC, SHIPPING_COMMANDS_TOPIC } from '@shopwatch/contracts';
import { createApp, createMetrics, pingDatabase, registerHttpFaults, type App, type HttpFaults, type JwtSettings, type Logger, type Pool } from '@shopwatch/platform';
import { DEFAULT_MAX_COMPENSATION_ATTEMPTS, DEFAULT_STEP_BUDGET_MS, DEFAULT_STEP_TIMEOUT_MS, DEFAULT_UNIT_WEIGHT_GRAMS, type SagaSettings } from './domain/saga.ts';
import { createCatalogClient } from './plugins/catalog-client.ts';
import { createOrdersMetrics, type OrdersMetrics } from './plugins/orders-metrics.ts';
import { countInFlight } from './plugins/orders-repository.ts';
import { SagaStore, type SagaTopics } from './plugins/saga-store.ts';
import { registerOrderRoutes } from './routes/orders.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The saga's persistence edge; server.ts hands it to the reply consumer and the sweeper. */
    sagas: SagaStore;
    ordersMetrics: OrdersMetrics;
  }
}

export const SOURCE = '/services/orders';

export const DEFAULT_TOPICS: SagaTopics = {
  ordersEvents: ORDERS_EVENTS_TOPIC,
  inventoryCommands: INVENTORY_COMMANDS_TOPIC,
  paymentsCommands: PAYMENTS_COMMANDS_TOPIC,
  shippingCommands: SHIPPING_COMMANDS_TOPIC,
};

export interface OrdersDeps {
  pool: Pool;
  logger: Logger;
  jwt: JwtSettings;
  catalog: { baseUrl: string; timeoutMs?: number };
  saga?: Partial<Omit<SagaSettings, 'source'>>;
  topics?: Partial<SagaTopics>;
  now?: () => Date;
  newId?: () => string;
  /** Run-time faults (from FAULTS_FILE); none when absent. */
  faults?: { current(): { http: HttpFaults } };
}

export async function buildOrdersApp(deps: OrdersDeps): Promise<App> {
  const serviceMetrics = createMetrics('orders');
  const metrics = createOrdersMetrics(serviceMetrics.registry, () => countInFlight(deps.pool));
  const app = await createApp({
    service: 'orders',
    description: 'Orders and the checkout saga: reserve stock, authorise payment, create shipment, capture, commit; compensation in reverse.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  const settings: SagaSettings = {
    stepTimeoutMs: deps.saga?.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
    stepBudgetMs: deps.saga?.stepBudgetMs ?? DEFAULT_STEP_BUDGET_MS,
    unitWeightGrams: deps.saga?.unitWeightGrams ?? DEFAULT_UNIT_WEIGHT_GRAMS,
    maxCompensationAttempts: deps.saga?.maxCompensationAttempts ?? DEFAULT_MAX_COMPENSATION_ATTEMPTS,
    source: SOURCE,
  };
  const store = new SagaStore({
    pool: deps.pool,
    metrics,
    settings,
    topics: { ...DEFAULT_TOPICS, ...deps.topics },
    logger: deps.logger,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.newId ? { newId: deps.newId } : {}),
  });
  const catalog = createCatalogClient({ baseUrl: deps.catalog.baseUrl, timeoutMs: deps.catalog.timeoutMs ?? 2_000, metrics });

  // Catalog is not a readiness check: without it orders answers 503 naming catalog on placement,
  // while history and order status stay available.
  app.readiness.add('postgres', () => pingDatabase(deps.pool));
  if (deps.faults) registerHttpFaults(app, deps.faults);
  registerOrderRoutes(app, { pool: deps.pool, jwt: deps.jwt, store, catalog });
  app.decorate('sagas', store);
  app.decorate('ordersMetrics', metrics);
  return app;
}
