import { describe, expect, it } from 'vitest';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../src/index.ts';

const id = '0b3f3a8e-8d47-4d3a-9a43-4b9ad0c1b7f1';
const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  it('round-trip a position exactly, microseconds and offsets included', () => {
    for (const createdAt of ['2026-01-02T03:04:05.678Z', '2026-11-21T08:00:00.123456+00:00', '2026-11-21T08:00:00Z']) {
      expect(decodeKeysetCursor(encodeKeysetCursor({ createdAt, id }))).toEqual({ createdAt, id });
    }
  });

  it.each([
    ['empty', ''],
    ['not base64 JSON', 'abc'],
    ['an object', encoded({})],
    ['numbers', encoded([1, 2])],
    ['three parts', encoded(['2026-01-02T03:04:05Z', id, 'x'])],
    ['a date without time', encoded(['2026-01-02', id])],
    ['words for a date', encoded(['yesterday', id])],
    ['an impossible date', encoded(['2026-02-31T25:00:00Z', id])],
    ['an id that is no UUID', encoded(['2026-01-02T03:04:05.678Z', 'nope'])],
    ['SQL for an id', encoded(['2026-01-02T03:04:05.678Z', "' OR 1=1 --"])],
  ])('refuses %s', (_what, cursor) => {
    expect(decodeKeysetCursor(cursor)).toBeUndefined();
  });
});
