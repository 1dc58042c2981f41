import { Writable } from 'node:stream';
import { context, trace, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/index.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'log-test', destination }) };
}

describe('createLogger', () => {
  // The same context manager startTracing installs, so spans are active inside context.with.
  beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterAll(() => context.disable());

  it('writes one JSON line per event with service and level', () => {
    const { lines, logger } = capture();
    logger.info({ orderId: 'o-1' }, 'order placed');
    expect(lines[0]).toMatchObject({ level: 'info', service: 'log-test', msg: 'order placed', orderId: 'o-1' });
  });

  it('redacts secrets and personal data', () => {
    const { lines, logger } = capture();
    logger.info({ user: { email: 'a@b.c', password: 'hunter2' }, req: { headers: { authorization: 'Bearer x' } } }, 'x');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('a@b.c');
    expect(text).not.toContain('Bearer x');
    expect(text).toContain('[redacted]');
  });

  it('adds trace_id and span_id inside an active span', () => {
    const { lines, logger } = capture();
    const spanContext: SpanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    context.with(trace.setSpanContext(context.active(), spanContext), () => logger.info('inside'));
    logger.info('outside');
    expect(lines[0]).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
    expect(lines[1]!.trace_id).toBeUndefined();
  });
});
