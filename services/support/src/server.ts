// Support process: validate config, start tracing (before anything it instruments is imported),
// migrate, build the app, run the outbox relay, listen; shut down in reverse on SIGTERM.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { SupportConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(SupportConfigSchema);
  const tracing = await startTracing({
    service: 'support',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { buildSupportApp } = await import('./app.ts');
  const { migrateSupport } = await import('./migrate.ts');

  const logger = createLogger({ service: 'support', level: config.LOG_LEVEL });
  if (config.RUN_MIGRATIONS) {
    const applied = await migrateSupport(config.DATABASE_URL);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const pool = platform.createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'support' });
  const faults = platform.watchFaults({ schema: platform.HttpFaultsSchemaFile, file: config.FAULTS_FILE, logger });
  const app = await buildSupportApp({ faults, pool, logger, jwt: { secret: config.JWT_SECRET }, eventsTopic: config.EVENTS_TOPIC });

  // One onClose hook, after in-flight requests finished: the relay publishes what it holds and
  // stops, the producer flushes, and only then the pool closes.
  let stopRelay = async () => undefined as void;
  if (config.OUTBOX_RELAY) {
    const kafka = platform.createKafkaClient({ brokers: platform.parseBrokers(config.KAFKA_BROKERS), clientId: 'support', logger });
    if (config.KAFKA_ENSURE_TOPICS) await platform.ensureTopics(kafka, [config.EVENTS_TOPIC]);
    stopRelay = await platform.attachOutboxRelay(app, { pool, kafka, logger });
  }
  app.addHook('onClose', async () => {
    await stopRelay();
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled }, 'support listening');
});
