// What the OpenTelemetry SDK registers at start, reduced to what the Kafka tests need: a context
// manager (so `context.with` really makes a context active across awaits) and a W3C traceparent
// propagator. Tests register these to check that trace context crosses Kafka headers.
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type ContextManager,
  type TextMapPropagator,
} from '@opentelemetry/api';

class AsyncLocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => this.with(ctx, () => fn(...args))) as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

const traceParentPropagator: TextMapPropagator = {
  inject(ctx, carrier: Record<string, string>) {
    const span = trace.getSpanContext(ctx);
    if (!span || !trace.isSpanContextValid(span)) return;
    carrier['traceparent'] = `00-${span.traceId}-${span.spanId}-0${span.traceFlags & TraceFlags.SAMPLED}`;
  },
  extract(ctx, carrier: Record<string, string>) {
    const match = TRACEPARENT.exec(carrier['traceparent'] ?? '');
    if (!match?.[1] || !match[2] || !match[3]) return ctx;
    return trace.setSpanContext(ctx, {
      traceId: match[1],
      spanId: match[2],
      traceFlags: Number.parseInt(match[3], 16),
      isRemote: true,
    });
  },
  fields: () => ['traceparent'],
};

export function registerTestTracing(): void {
  context.setGlobalContextManager(new AsyncLocalContextManager());
  propagation.setGlobalPropagator(traceParentPropagator);
}

/** A context whose active span is a made-up sampled remote span with this trace id. */
export function contextWithTrace(traceId: string, spanId = '00f067aa0ba902b7'): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}
