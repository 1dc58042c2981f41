// The gateway's own metrics (documented in the README). Labels stay bounded: upstream names come
// from the routing table, kinds and reasons are fixed words, status codes are HTTP codes.
import { Counter, Histogram, type Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS } from '@shopwatch/platform';

export type UpstreamFailure = 'unavailable' | 'timeout' | 'bad_gateway';
export type AuthRejection = 'missing_token' | 'invalid_token' | 'forbidden';

export interface GatewayMetrics {
  upstreamDuration: Histogram<'upstream' | 'method' | 'status_code'>;
  upstreamFailures: Counter<'upstream' | 'kind'>;
  rateLimited: Counter<'upstream' | 'class'>;
  authRejections: Counter<'upstream' | 'reason'>;
}

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  return {
    upstreamDuration: new Histogram({
      name: 'gateway_upstream_request_duration_seconds',
      help: 'Time from sending a request upstream to its response headers, by upstream, method and status code.',
      labelNames: ['upstream', 'method', 'status_code'] as const,
      buckets: HTTP_DURATION_BUCKETS,
      registers: [registry],
    }),
    upstreamFailures: new Counter({
      name: 'gateway_upstream_failures_total',
      help: 'Requests the gateway answered itself because the upstream failed: unavailable (503), timeout (504), bad_gateway (502).',
      labelNames: ['upstream', 'kind'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'gateway_rate_limited_total',
      help: 'Requests refused with 429 by the rate limit, by upstream and route class (api, auth).',
      labelNames: ['upstream', 'class'] as const,
      registers: [registry],
    }),
    authRejections: new Counter({
      name: 'gateway_auth_rejections_total',
      help: 'Requests refused before reaching an upstream: missing_token or invalid_token (401), forbidden (403).',
      labelNames: ['upstream', 'reason'] as const,
      registers: [registry],
    }),
  };
}
