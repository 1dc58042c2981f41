// Distributed tracing with the OpenTelemetry Node SDK: Fastify (via @fastify/otel) and PostgreSQL
// spans, exported over OTLP/HTTP in batches, sampled by trace id ratio and following the parent's
// decision (so one checkout is traced across every service or not at all). Kafka send/process
// spans come from our own kafka module, which carries the trace context recorded with each outbox
// row; kafkajs auto-instrumentation is left out because it would overwrite that context with the
// relay's. Off entirely when no endpoint is configured: no SDK, no hooks, no cost.
//
// It must start before fastify and pg are imported, because instrumentation patches modules as
// they load; a service's server.ts calls `startTracing()` and only then imports its app.
import { register } from 'node:module';

export interface TracingSettings {
  service: string;
  /** OTLP/HTTP base URL, e.g. http://otel-collector:4318; tracing is off when absent. */
  endpoint?: string | undefined;
  /** Share of new traces sampled, 0..1. */
  sampleRatio: number;
}

export interface Tracing {
  enabled: boolean;
  shutdown(): Promise<void>;
}

export async function startTracing(settings: TracingSettings): Promise<Tracing> {
  if (!settings.endpoint) return { enabled: false, shutdown: async () => undefined };
  // ESM modules are only patchable through the import-in-the-middle loader hook.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  // Imported lazily: with tracing off, none of the SDK is loaded.
  const [{ FastifyOtelInstrumentation }, { OTLPTraceExporter }, { PgInstrumentation }, { NodeSDK }, trace] =
    await Promise.all([
      import('@fastify/otel'),
      import('@opentelemetry/exporter-trace-otlp-proto'),
      import('@opentelemetry/instrumentation-pg'),
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/sdk-trace'),
    ]);
  const { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } = trace;
  const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/$/, '')}/v1/traces` });
  const sdk = new NodeSDK({
    serviceName: settings.service,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 4096, scheduledDelayMillis: 2000 })],
    instrumentations: [
      new FastifyOtelInstrumentation({ registerOnInitialization: true, instrumentHooks: false, ignorePaths: (opts) => ['/livez', '/readyz', '/metrics'].includes(opts.url) }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
