// Builds the gateway app from its dependencies. No process concerns here (ports, signals): server.ts
// does those; tests call buildGatewayApp directly with real Redis and real upstream services.
import { createApp, createMetrics, type App, type JwtSettings, type Logger } from '@shopwatch/platform';
import type { Redis } from 'ioredis';
import type { Upstream } from './domain/upstreams.ts';
import { createGatewayMetrics } from './plugins/gateway-metrics.ts';
import { pingRedis } from './plugins/redis.ts';
import { UpstreamClient, type UpstreamSettings } from './plugins/upstream-client.ts';
import type { GatewayContext, RateLimitSettings } from './routes/context.ts';
import { registerOpenApiRoute } from './routes/openapi.ts';
import { registerProxyRoutes } from './routes/proxy.ts';

export interface GatewayDeps {
  logger: Logger;
  jwt: JwtSettings;
  redis: Redis;
  upstreams: Upstream[];
  upstream?: Partial<UpstreamSettings>;
  rateLimit?: Partial<RateLimitSettings>;
  openApi?: Partial<GatewayContext['openApi']>;
  /** Largest request body forwarded, in bytes. */
  bodyLimit?: number;
  now?: () => Date;
}

export const DEFAULT_UPSTREAM: UpstreamSettings = { timeoutMs: 10_000, connectTimeoutMs: 1_000, connections: 64, bufferBytes: 64 * 1024 };
export const DEFAULT_RATE_LIMIT: RateLimitSettings = { enabled: true, max: 600, authMax: 20, windowMs: 60_000, allow: [], keyPrefix: 'shopwatch:gateway:rl:', syncIntervalMs: 100 };

export async function buildGatewayApp(deps: GatewayDeps): Promise<App> {
  const serviceMetrics = createMetrics('gateway');
  const metrics = createGatewayMetrics(serviceMetrics.registry);
  const app = await createApp({
    service: 'gateway',
    description: 'The public entry of Shopwatch: routes /api/<service>/* to the services.',
    logger: deps.logger,
    metrics: serviceMetrics,
    bodyLimit: deps.bodyLimit ?? 64 * 1024,
  });
  const client = new UpstreamClient(deps.upstreams, { ...DEFAULT_UPSTREAM, ...deps.upstream }, metrics);
  const ctx: GatewayContext = {
    upstreams: new Map(deps.upstreams.map((u) => [u.name, u])),
    client,
    jwt: deps.jwt,
    metrics,
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...deps.rateLimit },
    openApi: { cacheMs: 10_000, fetchTimeoutMs: 2_000, ...deps.openApi },
    now: deps.now ?? (() => new Date()),
  };
  // Upstreams are not readiness checks on purpose: one service down must not take the gateway
  // (and so every other service) out of the load balancer.
  app.readiness.add('redis', () => pingRedis(deps.redis));
  registerOpenApiRoute(app, ctx, '0.1.0');
  await registerProxyRoutes(app, ctx, deps.redis);
  app.addHook('onClose', async () => client.close());
  return app;
}
