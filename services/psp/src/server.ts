// psp process: validate config, start tracing, build the app, listen; shut down on SIGTERM.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { PspConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(PspConfigSchema);
  const tracing = await startTracing({
    service: 'psp',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { buildPspApp } = await import('./app.ts');
  const { PspFaultsFileSchema } = await import('./faults.ts');

  const logger = createLogger({ service: 'psp', level: config.LOG_LEVEL });
  const faults = platform.watchFaults({ schema: PspFaultsFileSchema, file: config.FAULTS_FILE, logger });
  const app = await buildPspApp({
    logger,
    faults,
    maxAmountCents: config.PSP_MAX_AMOUNT_CENTS,
    currencies: config.PSP_CURRENCIES.split(','),
    maxRecords: config.PSP_MAX_RECORDS,
  });
  app.addHook('onClose', async () => {
    faults.stop();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled }, 'psp listening');
});
