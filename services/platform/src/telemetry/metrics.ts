// Prometheus metrics with prom-client: one registry per service (no hidden global state, so tests
// and several apps in one process don't collide), Node runtime metrics including event-loop lag,
// and the HTTP server histogram labelled with the route template — never the raw URL, whose ids
// would make the series count unbounded.
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Bucket bounds in seconds. Latency SLO thresholds must be one of these (an SLI is the share of
 * requests in the `le=<threshold>` bucket), so the common thresholds 100/250/300/500 ms are present.
 */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10];

export interface ServiceMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
}

export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
  });
  return { registry, httpDuration };
}
