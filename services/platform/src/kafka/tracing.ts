// Trace context over Kafka headers (W3C `traceparent`/`tracestate`, through whatever propagator
// the telemetry module registered), and messaging spans. We create the producer/consumer spans
// here rather than relying on kafkajs auto-instrumentation because the outbox relay publishes
// messages recorded in many different requests: each message must carry the context captured at
// enqueue time, which a batch-level instrumentation cannot know.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';

const tracer = trace.getTracer('@shopwatch/platform/kafka');

/** Trace headers of the active context (empty when tracing is off). */
export function activeTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context described by message headers (the root context when they carry none). */
export function contextFromHeaders(headers: Readonly<Record<string, string>>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Starts a PRODUCER span under `parent`; returns it and the headers that carry it. */
export function startProducerSpan(
  topic: string,
  eventId: string,
  parent: Context,
): { span: Span; headers: Record<string, string> } {
  const span = tracer.startSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.message.id': eventId,
      },
    },
    parent,
  );
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), headers);
  return { span, headers };
}

/** Runs `work` inside a CONSUMER span that continues the trace found in the message headers. */
export async function withConsumerSpan<T>(
  topic: string,
  group: string,
  headers: Readonly<Record<string, string>>,
  eventId: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const parent = contextFromHeaders(headers);
  const span = tracer.startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': group,
        ...(eventId ? { 'messaging.message.id': eventId } : {}),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    endWithError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function endWithError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
