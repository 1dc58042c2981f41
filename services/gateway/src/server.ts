// Gateway process: validate config, start tracing (before anything it instruments is imported),
// connect Redis, build the app, listen; shut down in reverse on SIGTERM.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { GatewayConfigSchema, upstreamsFrom } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(GatewayConfigSchema);
  const tracing = await startTracing({ service: 'gateway', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, sampleRatio: config.OTEL_TRACES_SAMPLER_ARG, protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL });
  const platform = await import('@shopwatch/platform');
  const { buildGatewayApp } = await import('./app.ts');
  const { createRedis } = await import('./plugins/redis.ts');

  const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
  const redis = createRedis(config.REDIS_URL);
  const upstreams = upstreamsFrom(config);
  const app = await buildGatewayApp({
    logger,
    jwt: { secret: config.JWT_SECRET },
    redis,
    upstreams,
    upstream: {
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      connections: config.UPSTREAM_CONNECTIONS,
      bufferBytes: config.UPSTREAM_BUFFER_BYTES,
    },
    rateLimit: {
      enabled: config.RATE_LIMIT_ENABLED,
      max: config.RATE_LIMIT_MAX,
      authMax: config.RATE_LIMIT_AUTH_MAX,
      windowMs: config.RATE_LIMIT_WINDOW_MS,
      syncIntervalMs: config.RATE_LIMIT_SYNC_MS,
      keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
      allow: config.RATE_LIMIT_ALLOW.split(',').filter(Boolean),
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
  });
  // Runs after in-flight requests finished (the upstream pools close in buildGatewayApp's hook).
  app.addHook('onClose', async () => {
    redis.disconnect();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled, upstreams: upstreams.map((u) => `${u.name}=${u.url}`) }, 'gateway listening');
});
