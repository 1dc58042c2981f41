// Gateway process through the platform's startService; the gateway's own: Redis (the rate
// limiter's counters, closed with the clients) and the upstreams it routes to.
import { startService } from '@shopwatch/platform';
import { loadGatewayConfig, upstreamsFrom } from './config.ts';

startService({
  name: 'gateway',
  config: () => loadGatewayConfig(),
  async start({ config, logger, onClose }) {
    const { buildGatewayApp } = await import('./app.ts');
    const { createRedis } = await import('./plugins/redis.ts');
    const redis = createRedis(config.REDIS_URL);
    onClose('clients', 'redis', () => redis.disconnect());
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
    return { app, listening: { upstreams: upstreams.map((u) => `${u.name}=${u.url}`) } };
  },
});
