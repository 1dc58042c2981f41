// Builds the catalog app from its dependencies. No process concerns here (ports, signals,
// migrations): server.ts does those, tests call buildCatalogApp directly with real PostgreSQL.
import { createApp, createMetrics, MeteredCache, pingDatabase, registerHttpFaults, type App, type HttpFaults, type JwtSettings, type Logger, type Pool } from '@shopwatch/platform';
import { createCatalogMetrics } from './plugins/catalog-metrics.ts';
import { ViewRecorder, type EnqueueEvents } from './plugins/view-recorder.ts';
import { registerCategoryRoutes } from './routes/categories.ts';
import type { CatalogContext } from './routes/context.ts';
import { registerProductRoutes } from './routes/products.ts';
import type { Product } from './schemas/product.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Buffered product-view events; `close()` flushes them. */
    catalogViews: ViewRecorder;
  }
}

export interface CatalogDeps {
  pool: Pool;
  logger: Logger;
  jwt: JwtSettings;
  /** Writes events to the outbox inside the caller's transaction. */
  enqueue: EnqueueEvents;
  cache?: { maxEntries: number; ttlMs: number };
  now?: () => Date;
  /** Run-time faults (from FAULTS_FILE); none when absent. */
  faults?: { current(): { http: HttpFaults } };
  /** How often buffered product views are written (tests shorten it). */
  viewFlushIntervalMs?: number;
}

export async function buildCatalogApp(deps: CatalogDeps): Promise<App> {
  const serviceMetrics = createMetrics('catalog');
  const metrics = createCatalogMetrics(serviceMetrics.registry);
  const now = deps.now ?? (() => new Date());
  const app = await createApp({
    service: 'catalog',
    description: 'Products, categories and search for Shopwatch.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  const cacheSettings = deps.cache ?? { maxEntries: 5_000, ttlMs: 30_000 };
  const cache = new MeteredCache<Product>({
    name: 'products',
    // lru-cache needs max ≥ 1; a size of 0 means "no caching", so the TTL becomes 1 ms.
    max: Math.max(1, cacheSettings.maxEntries),
    ttlMs: cacheSettings.maxEntries === 0 ? 1 : cacheSettings.ttlMs,
    registry: serviceMetrics.registry,
  });
  const views = new ViewRecorder({
    pool: deps.pool,
    enqueue: deps.enqueue,
    metrics,
    logger: deps.logger,
    now,
    ...(deps.viewFlushIntervalMs ? { flushIntervalMs: deps.viewFlushIntervalMs } : {}),
  });
  const ctx: CatalogContext = { pool: deps.pool, jwt: deps.jwt, cache, metrics, views, enqueue: deps.enqueue, now };

  app.readiness.add('postgres', () => pingDatabase(deps.pool));
  if (deps.faults) registerHttpFaults(app, deps.faults);
  registerProductRoutes(app, ctx);
  registerCategoryRoutes(app, ctx);
  // server.ts flushes the buffer during shutdown, before the pool closes; tests close it too.
  app.decorate('catalogViews', views);
  return app;
}
