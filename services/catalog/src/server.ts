// Catalog process: validate config, start tracing (before anything it instruments is imported),
// migrate, build the app, run the outbox relay, listen; shut down in reverse on SIGTERM.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { CatalogConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(CatalogConfigSchema);
  const tracing = await startTracing({
    service: 'catalog',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { buildCatalogApp } = await import('./app.ts');
  const { migrateCatalog } = await import('./migrate.ts');
  const { enqueueEvents } = await import('./plugins/outbox.ts');

  const logger = createLogger({ service: 'catalog', level: config.LOG_LEVEL });
  if (config.RUN_MIGRATIONS) {
    const applied = await migrateCatalog(config.DATABASE_URL);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const pool = platform.createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'catalog' });
  const faults = platform.watchFaults({ schema: platform.HttpFaultsSchemaFile, file: config.FAULTS_FILE, logger });
  const app = await buildCatalogApp({
    faults,
    pool,
    logger,
    jwt: { secret: config.JWT_SECRET },
    enqueue: enqueueEvents,
    cache: { maxEntries: config.CACHE_MAX_ENTRIES, ttlMs: config.CACHE_TTL_MS },
  });

  // One onClose hook with the order spelled out (it runs after in-flight requests finished):
  // buffered views flush (buildCatalogApp's own hook), the relay publishes what it holds and
  // stops, the producer flushes, and only then the pool closes.
  let stopRelay = async () => undefined as void;
  if (config.OUTBOX_RELAY) {
    const kafka = platform.createKafkaClient({ brokers: platform.parseBrokers(config.KAFKA_BROKERS), clientId: 'catalog', logger });
    stopRelay = await platform.attachOutboxRelay(app, { pool, kafka, logger });
  }
  app.addHook('onClose', async () => {
    await app.catalogViews.close();
    await stopRelay();
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled }, 'catalog listening');
});
