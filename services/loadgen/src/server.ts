// Loadgen process: validate config, start tracing, build the app, listen, then start arrivals;
// on SIGTERM arrivals stop, running scenarios are aborted and the gateway pool closes.
import { randomInt } from 'node:crypto';
import { createLogger, startOrExit, startTracing } from '@shopwatch/platform';
import { loadLoadgenConfig } from './config.ts';

startOrExit(async () => {
  const config = loadLoadgenConfig();
  const tracing = await startTracing({
    service: 'loadgen',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { buildLoadgenApp } = await import('./app.ts');

  const logger = createLogger({ service: 'loadgen', level: config.LOG_LEVEL });
  const seed = config.LOADGEN_SEED ?? randomInt(0, 2 ** 32 - 1);
  const app = await buildLoadgenApp({
    logger,
    gatewayUrl: config.GATEWAY_URL,
    settings: { rate: config.LOADGEN_RATE, mix: config.mix, paused: config.LOADGEN_PAUSED, maxInFlight: config.LOADGEN_MAX_IN_FLIGHT },
    limits: { maxRate: config.LOADGEN_MAX_RATE, maxInFlight: 10_000 },
    seed,
    shopperPoolSize: config.LOADGEN_SHOPPERS,
    thinkTimeMs: config.LOADGEN_THINK_TIME_MS,
    requestTimeoutMs: config.LOADGEN_REQUEST_TIMEOUT_MS,
    orderTimeoutMs: config.LOADGEN_ORDER_TIMEOUT_MS,
    orderPollMs: config.LOADGEN_ORDER_POLL_MS,
    connections: config.LOADGEN_CONNECTIONS,
    ...(config.LOADGEN_LOCAL_ADDRESS ? { localAddress: config.LOADGEN_LOCAL_ADDRESS } : {}),
  });
  app.addHook('onClose', async () => {
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  app.loadgen.start();
  logger.info({ port: config.PORT, gateway: config.GATEWAY_URL, rate: config.LOADGEN_RATE, mix: config.LOADGEN_MIX, seed, tracing: tracing.enabled }, 'loadgen listening');
});
