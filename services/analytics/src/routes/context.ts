import type { JwtSettings, Pool, WriteBehindBuffer } from '@shopwatch/platform';
import type { FunnelHit } from '../domain/funnel.ts';
import type { AnalyticsMetrics } from '../plugins/analytics-metrics.ts';

export interface RateLimitSettings {
  /** Batches per client per window. */
  max: number;
  windowMs: number;
  /** Key clients by the first X-Forwarded-For address (set by the gateway) instead of the socket's. */
  trustForwardedFor: boolean;
}

/** What analytics' routes need, built once in app.ts. */
export interface AnalyticsContext {
  pool: Pool;
  jwt: JwtSettings;
  metrics: AnalyticsMetrics;
  rateLimit: RateLimitSettings;
  clicks: WriteBehindBuffer<FunnelHit>;
  now: () => Date;
}
