// Builds the analytics app from its dependencies. No process concerns here (ports, signals,
// migrations, Kafka): server.ts does those; tests call buildAnalyticsApp with real PostgreSQL and
// wire the domain-event consumer themselves.
import { WriteBehindBuffer, createApp, createMetrics, pingDatabase, registerHttpFaults, type App, type HttpFaults, type JwtSettings, type Logger, type Pool } from '@shopwatch/platform';
import { createAnalyticsMetrics, type AnalyticsMetrics } from './plugins/analytics-metrics.ts';
import type { FunnelHit } from './domain/funnel.ts';
import { recordHits } from './plugins/funnel-store.ts';
import type { AnalyticsContext, RateLimitSettings } from './routes/context.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerFunnelRoutes } from './routes/funnel.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Analytics' business metrics, shared with the domain-event consumer (server.ts). */
    analyticsMetrics: AnalyticsMetrics;
    /** Accepted clicks waiting to be written; `close()` flushes them (server.ts, before the pool closes). */
    clickBuffer: WriteBehindBuffer<FunnelHit>;
  }
}

export interface AnalyticsDeps {
  pool: Pool;
  logger: Logger;
  jwt: JwtSettings;
  now?: () => Date;
  rateLimit?: Partial<RateLimitSettings>;
  /** How often buffered clicks are written (tests shorten it or call flush()). */
  clickFlushIntervalMs?: number;
  /** Run-time faults (from FAULTS_FILE); none when absent. */
  faults?: { current(): { http: HttpFaults } };
}

export const DEFAULT_RATE_LIMIT: RateLimitSettings = { max: 120, windowMs: 60_000, trustForwardedFor: true };

export async function buildAnalyticsApp(deps: AnalyticsDeps): Promise<App> {
  const serviceMetrics = createMetrics('analytics');
  const metrics = createAnalyticsMetrics(serviceMetrics.registry);
  const app = await createApp({
    service: 'analytics',
    description: 'Storefront click events and domain events for Shopwatch: the marketing funnel (view → add-to-cart → checkout → purchase) and its conversion.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  // Storefront clicks are clickstream, not money: POST /events answers 202 once a batch is
  // validated and buffered, and the buffer is written to the minute buckets once per second (or per
  // 5 000 hits). One write per second instead of one per batch keeps the hot rows (this minute's
  // buckets, which every batch adds to) from serialising concurrent requests; a crash loses at most
  // the last second of clicks; SIGTERM flushes. The buffer's behaviour is the platform's.
  const clicks = new WriteBehindBuffer<FunnelHit>({
    write: (hits) => recordHits(deps.pool, hits),
    maxBuffered: 5_000,
    ...(deps.clickFlushIntervalMs ? { flushIntervalMs: deps.clickFlushIntervalMs } : {}),
    onSizeChange: (size) => metrics.clicksBuffered.set(size),
    onWriteError: (error, pending) => deps.logger.warn({ err: error, pending }, 'could not write click aggregates, will retry'),
    onDropped: (count) => deps.logger.warn({ dropped: count }, 'click hits dropped: the buffer is full while the database is unreachable'),
  });
  const ctx: AnalyticsContext = {
    clicks,
    pool: deps.pool,
    jwt: deps.jwt,
    metrics,
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...deps.rateLimit },
    now: deps.now ?? (() => new Date()),
  };
  app.readiness.add('postgres', () => pingDatabase(deps.pool));
  if (deps.faults) registerHttpFaults(app, deps.faults);
  await registerEventRoutes(app, ctx);
  registerFunnelRoutes(app, ctx);
  app.decorate('analyticsMetrics', metrics);
  app.decorate('clickBuffer', clicks);
  return app;
}
