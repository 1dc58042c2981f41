import { describe, expect, it } from 'vitest';
import {
  InvalidEventError,
  makeEvent,
  parseEvent,
  serializeEvent,
  type ParseResult,
} from '../src/index.ts';

const now = new Date('2026-11-21T05:00:00.000Z');
const source = '/services/catalog';
const id = '3f2b8c1e-5d4a-4e6f-8a9b-0c1d2e3f4a5b';

function viewed() {
  return makeEvent('shop.catalog.product.viewed', 'p-1', { productId: 'p-1', sessionId: 's-9' }, { source, now, id });
}

function failure(result: ParseResult) {
  if (result.ok) throw new Error('expected a failure');
  return result;
}

describe('makeEvent', () => {
  it('builds an envelope with CloudEvents attribute names from the injected clock', () => {
    expect(viewed()).toEqual({
      specversion: '1.0',
      id,
      type: 'shop.catalog.product.viewed',
      source,
      time: '2026-11-21T05:00:00.000Z',
      subject: 'p-1',
      data: { productId: 'p-1', sessionId: 's-9' },
    });
  });

  it('accepts a clock function and generates a UUID when no id is given', () => {
    const a = makeEvent('shop.catalog.product.deleted', 'p-2', { productId: 'p-2' }, { source, now: () => now });
    const b = makeEvent('shop.catalog.product.deleted', 'p-2', { productId: 'p-2' }, { source, now: () => now });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
  });

  it('refuses a payload that does not match the schema of its type', () => {
    const bad = { productId: 'p-1', priceCents: -5 } as never;
    expect(() => makeEvent('shop.catalog.product.created', 'p-1', bad, { source, now })).toThrow(InvalidEventError);
    try {
      makeEvent('shop.catalog.product.created', 'p-1', bad, { source, now });
    } catch (error) {
      expect((error as InvalidEventError).reason).toBe('invalid-payload');
      expect((error as InvalidEventError).detail).toContain('/priceCents');
    }
  });

  it('refuses an empty subject (it becomes the Kafka key)', () => {
    expect(() => makeEvent('shop.catalog.product.deleted', '', { productId: 'p' }, { source, now })).toThrow(
      /invalid-envelope.*\/subject/,
    );
  });
});

describe('parseEvent', () => {
  it('round-trips a serialized event from bytes and from a string', () => {
    const event = viewed();
    const wire = serializeEvent(event);
    expect(parseEvent(Buffer.from(wire, 'utf8'))).toEqual({ ok: true, event });
    expect(parseEvent(wire)).toEqual({ ok: true, event });
  });

  it('accepts an envelope without specversion', () => {
    const { specversion: _omitted, ...rest } = viewed();
    expect(parseEvent(rest).ok).toBe(true);
  });

  it.each([
    ['raw bytes', Buffer.from([0xff, 0xfe, 0x00, 0x81])],
    ['bad JSON', '{"id": '],
    ['JSON null', 'null'],
  ])('reports %s as unparseable', (_name, raw) => {
    expect(failure(parseEvent(raw)).reason).toBe('unparseable');
  });

  it('reports a missing envelope attribute, naming it', () => {
    const { source: _omitted, ...rest } = viewed();
    const result = failure(parseEvent(rest));
    expect(result.reason).toBe('invalid-envelope');
    expect(result.detail).toContain('source');
  });

  it('reports unknown envelope attributes, a non-UUID id and a non-RFC 3339 time', () => {
    expect(failure(parseEvent({ ...viewed(), extra: 1 })).detail).toContain('additional properties');
    expect(failure(parseEvent({ ...viewed(), id: 'abc' })).detail).toContain('/id');
    expect(failure(parseEvent({ ...viewed(), time: 'yesterday' })).detail).toContain('/time');
  });

  it('reports a type nobody registered', () => {
    const result = failure(parseEvent({ ...viewed(), type: 'shop.catalog.product.sold' }));
    expect(result).toEqual({ ok: false, reason: 'unknown-type', detail: 'unknown event type shop.catalog.product.sold' });
  });

  it('reports valid JSON whose payload fails its schema, naming the field', () => {
    const result = failure(parseEvent({ ...viewed(), data: { productId: 42 } }));
    expect(result.reason).toBe('invalid-payload');
    expect(result.detail).toContain('shop.catalog.product.viewed');
    expect(result.detail).toContain('/productId');
  });

  it('rejects unknown payload fields (schemas evolve by adding optional fields in contracts first)', () => {
    expect(failure(parseEvent({ ...viewed(), data: { productId: 'p', email: 'a@b.c' } })).reason).toBe(
      'invalid-payload',
    );
  });

  it('keeps the detail bounded', () => {
    const result = failure(parseEvent({ ...viewed(), type: `shop.x.${'y'.repeat(2000)}` }));
    expect(result.detail.length).toBeLessThanOrEqual(500);
  });
});
