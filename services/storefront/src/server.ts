// Storefront process: validate config, start tracing (before anything it instruments is imported),
// build the app, listen; on SIGTERM readiness goes false and in-flight responses finish.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { StorefrontConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(StorefrontConfigSchema);
  const tracing = await startTracing({
    service: 'storefront',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { buildStorefrontApp } = await import('./app.ts');

  const logger = createLogger({ service: 'storefront', level: config.LOG_LEVEL });
  const app = await buildStorefrontApp({ logger, distDir: config.DIST_DIR });
  app.addHook('onClose', async () => {
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, dist: config.DIST_DIR, tracing: tracing.enabled }, 'storefront listening');
});
