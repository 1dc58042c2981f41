// Running work in a trace recorded earlier (W3C trace context headers kept in a row), so what the
// ticker does minutes later is part of the order's trace. A no-op when tracing is off: the global
// propagator then extracts nothing.
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

export function inRecordedTrace<T>(headers: Readonly<Record<string, string>> | null, work: () => Promise<T>): Promise<T> {
  if (!headers?.['traceparent']) return work();
  return context.with(propagation.extract(ROOT_CONTEXT, headers), work);
}
