import { describe, expect, it } from 'vitest';
import { deadLetterHeaders, normalizeHeaders } from '../../src/kafka/index.ts';

describe('normalizeHeaders', () => {
  it('turns buffers and arrays into strings, keeping the first of repeated headers', () => {
    expect(
      normalizeHeaders({ traceparent: Buffer.from('00-abc-def-01'), multi: ['a', Buffer.from('b')], gone: undefined, s: 'x' }),
    ).toEqual({ traceparent: '00-abc-def-01', multi: 'a', s: 'x' });
  });
});

describe('deadLetterHeaders', () => {
  const now = new Date('2026-11-21T06:00:00.000Z');

  it('keeps the original headers and names origin, reason and time', () => {
    expect(
      deadLetterHeaders(
        { traceparent: 'tp' },
        { reason: 'invalid-payload', detail: '/productId must be string', topic: 't', partition: 2, offset: '41', consumerGroup: 'g' },
        now,
      ),
    ).toEqual({
      traceparent: 'tp',
      'dlq-reason': 'invalid-payload',
      'dlq-detail': '/productId must be string',
      'dlq-original-topic': 't',
      'dlq-original-partition': '2',
      'dlq-original-offset': '41',
      'dlq-consumer-group': 'g',
      'dlq-time': '2026-11-21T06:00:00.000Z',
    });
  });

  it('replaces the headers of an earlier dead-lettering and bounds the detail', () => {
    const headers = deadLetterHeaders(
      { 'dlq-reason': 'unparseable', 'dlq-original-partition': '7' },
      { reason: 'handler-rejected', detail: 'x'.repeat(2_000), topic: 't' },
      now,
    );
    expect(headers['dlq-reason']).toBe('handler-rejected');
    expect(headers['dlq-original-partition']).toBeUndefined();
    expect(headers['dlq-detail']).toHaveLength(500);
  });
});
