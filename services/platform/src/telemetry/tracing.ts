// Distributed tracing with the OpenTelemetry Node SDK: Fastify (via @fastify/otel) and PostgreSQL
// spans, exported over OTLP/HTTP in batches, sampled by trace id ratio and following the parent's
// decision (so one checkout is traced across every service or not at all). Kafka send/process
// spans come from our own kafka module, which carries the trace context recorded with each outbox
// row; kafkajs auto-instrumentation is left out because it would overwrite that context with the
// relay's. Off entirely when no endpoint is configured: no SDK, no hooks, no cost.
//
// It must start before fastify and pg are imported, because instrumentation patches modules as
// they load; a service's server.ts calls `startTracing()` and only then imports its app.

export interface TracingSettings {
  service: string;
  /** OTLP/HTTP base URL, e.g. http://otel-collector:4318; tracing is off when absent. */
  endpoint?: string | undefined;
  /** Share of new traces sampled, 0..1. */
  sampleRatio: number;
  /** OTLP encoding (OTEL_EXPORTER_OTLP_PROTOCOL): `http/protobuf` (default, compact) or `http/json`. */
  protocol?: 'http/protobuf' | 'http/json' | undefined;
}

export interface Tracing {
  enabled: boolean;
  shutdown(): Promise<void>;
}

export async function startTracing(settings: TracingSettings): Promise<Tracing> {
  if (!settings.endpoint) return { enabled: false, shutdown: async () => undefined };
  // Modules imported from ESM are only patchable through import-in-the-middle's loader hooks. Its
  // synchronous, in-thread variant avoids a loader thread (memory) and the `include` list limits
  // wrapping to what is instrumented, so no other module pays for proxied exports.
  const { register } = await import('import-in-the-middle/register-hooks.mjs');
  register({ include: ['pg', 'pg-pool'] });
  // Imported lazily: with tracing off, none of the SDK is loaded. The tracer provider is assembled
  // from the SDK's parts rather than through @opentelemetry/sdk-node, whose entry point eagerly
  // loads every exporter it supports (gRPC, Zipkin, Prometheus, logs, metrics): about 50 MB of
  // resident memory per process for code a service never calls.
  const [api, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, { registerInstrumentations }, { resourceFromAttributes }, sdk, { OTLPTraceExporter }, { FastifyOtelInstrumentation }, { PgInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/instrumentation'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace'),
      settings.protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
      import('@fastify/otel'),
      import('@opentelemetry/instrumentation-pg'),
    ]);
  const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/$/, '')}/v1/traces` });
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.service }),
    sampler: new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter, maxQueueSize: 4096, scheduledDelayMillis: 2000 })],
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        // One server span per request: a span per lifecycle hook or for the handler costs more than
        // it tells (the handler's own work shows up as PostgreSQL and Kafka child spans).
        instrumentHooks: false,
        instrumentHandler: false,
        ignorePaths: (opts) => ['/livez', '/readyz', '/metrics'].includes(opts.url),
      }),
      // Queries outside a request or message (relay polls, sweepers, tickers) would each start a
      // trace of their own every second; only queries inside a traced unit of work are recorded.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    ],
  });
  return {
    enabled: true,
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}
