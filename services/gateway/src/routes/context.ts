import type { JwtSettings } from '@shopwatch/platform';
import type { Upstream } from '../domain/upstreams.ts';
import type { GatewayMetrics } from '../plugins/gateway-metrics.ts';
import type { UpstreamClient } from '../plugins/upstream-client.ts';

export interface RateLimitSettings {
  enabled: boolean;
  /** Requests per window per client, upstream and route class. */
  max: number;
  /** The tighter limit for sign-up and login (per client). */
  authMax: number;
  windowMs: number;
  /** Client IPs never limited (e.g. the load generator). */
  allow: string[];
  /** Redis key prefix (tests isolate themselves with their own). */
  keyPrefix: string;
  /** How often a replica adds its locally counted requests to Redis, in ms (0: every request in Redis). */
  syncIntervalMs: number;
}

/** What the gateway's routes need, built once in app.ts. */
export interface GatewayContext {
  upstreams: Map<string, Upstream>;
  client: UpstreamClient;
  jwt: JwtSettings;
  metrics: GatewayMetrics;
  rateLimit: RateLimitSettings;
  /** How long the aggregated OpenAPI document is reused, and how long to wait for each upstream's. */
  openApi: { cacheMs: number; fetchTimeoutMs: number };
  now: () => Date;
}
