// Prometheus metrics with prom-client: one registry per service (no hidden global state, so tests
// and several apps in one process don't collide), Node runtime metrics including event-loop lag,
// and the HTTP server histogram labelled with the route template — never the raw URL, whose ids
// would make the series count unbounded. Request durations carry exemplars (the trace and span of a
// sampled request), exposed when the scraper asks for OpenMetrics, so a dashboard can go from a
// slow bucket straight to a trace.
import { trace, TraceFlags } from '@opentelemetry/api';
import { collectDefaultMetrics, Histogram, Registry, type RegistryContentType } from 'prom-client';

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
  // prom-client accepts an exemplar-carrying metric only on a registry whose format is OpenMetrics
  // at the moment it is registered; the registry otherwise stays in the text format, which every
  // reader of `registry.metrics()` expects, and renderMetrics switches per scrape.
  useFormat(registry, Registry.OPENMETRICS_CONTENT_TYPE);
  const httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
    enableExemplars: true,
  });
  useFormat(registry, Registry.PROMETHEUS_CONTENT_TYPE);
  return { registry, httpDuration };
}

/** prom-client types a registry by the one format it was made with; ours switches between both. */
function useFormat(registry: Registry, format: RegistryContentType): void {
  (registry as unknown as Registry<RegistryContentType>).setContentType(format);
}

/** Exemplar labels naming the active span's trace, when it is sampled (an unsampled id leads nowhere). */
export function sampledTraceExemplar(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if ((traceFlags & TraceFlags.SAMPLED) === 0) return {};
  return { trace_id: traceId, span_id: spanId };
}

// prom-client picks the exposition format per registry, not per call: switching it for one scrape
// must not leak into another scrape running at the same time, so scrapes of a registry take turns.
const scrapesInTurn = new WeakMap<Registry, Promise<unknown>>();

/**
 * The registry's exposition in the format the scraper's Accept header asks for: OpenMetrics (the
 * only one with exemplars; Prometheus asks for it first) or the Prometheus text format.
 */
export async function renderMetrics(registry: Registry, accept: string | undefined): Promise<{ contentType: string; body: string }> {
  const wanted: RegistryContentType = accept?.includes('application/openmetrics-text') ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
  const previous = scrapesInTurn.get(registry) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(async () => {
    useFormat(registry, wanted);
    try {
      return { contentType: wanted, body: await registry.metrics() };
    } finally {
      useFormat(registry, Registry.PROMETHEUS_CONTENT_TYPE);
    }
  });
  scrapesInTurn.set(registry, mine);
  return mine;
}
