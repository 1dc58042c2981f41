// Support process: validate config, start tracing (before anything it instruments is imported),
// migrate, build the app, listen; shut down in reverse on SIGTERM.
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
  const app = await buildSupportApp({ faults, pool, logger, jwt: { secret: config.JWT_SECRET } });
  // Runs after in-flight requests finished: then the pool closes.
  app.addHook('onClose', async () => {
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled }, 'support listening');
});
