// Catalog process through the platform's startService; catalog's own: its app, the outbox
// enqueue, and the buffered product views, which flush (with the jobs) before the relay stops.
import { startService } from '@shopwatch/platform';
import { loadCatalogConfig } from './config.ts';

startService({
  name: 'catalog',
  config: () => loadCatalogConfig(),
  async start({ config, logger, database, faults }) {
    const { buildCatalogApp } = await import('./app.ts');
    const { migrateCatalog } = await import('./migrate.ts');
    const { enqueueEvents } = await import('./plugins/outbox.ts');
    const pool = await database(migrateCatalog);
    const app = await buildCatalogApp({
      faults: faults(),
      pool,
      logger,
      jwt: { secret: config.JWT_SECRET },
      enqueue: enqueueEvents,
      cache: { maxEntries: config.CACHE_MAX_ENTRIES, ttlMs: config.CACHE_TTL_MS },
    });
    return { app, jobs: [{ name: 'product views', job: { stop: () => app.catalogViews.close() } }], outboxRelay: config.OUTBOX_RELAY };
  },
});
