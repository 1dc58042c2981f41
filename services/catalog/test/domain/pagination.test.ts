import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/domain/pagination.ts';

const id = '3f1c2b4a-9d8e-4f00-a1b2-c3d4e5f60718';

describe('cursors', () => {
  it('round-trip for every sort', () => {
    expect(decodeCursor(encodeCursor({ sort: 'price_asc', key: 1299, id }), 'price_asc')).toEqual({ sort: 'price_asc', key: 1299, id });
    expect(decodeCursor(encodeCursor({ sort: 'name', key: 'Kettle', id }), 'name')).toEqual({ sort: 'name', key: 'Kettle', id });
    const at = '2026-01-01T00:00:00.000Z';
    expect(decodeCursor(encodeCursor({ sort: 'newest', key: at, id }), 'newest')).toEqual({ sort: 'newest', key: at, id });
  });

  it('refuses a cursor made for another sort', () => {
    expect(decodeCursor(encodeCursor({ sort: 'price_asc', key: 1, id }), 'price_desc')).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['bad id', Buffer.from(JSON.stringify(['price_asc', 1, "'; DROP TABLE products; --"])).toString('base64url')],
    ['negative price', Buffer.from(JSON.stringify(['price_asc', -5, id])).toString('base64url')],
    ['fractional price', Buffer.from(JSON.stringify(['price_asc', 1.5, id])).toString('base64url')],
  ])('rejects %s', (_what, cursor) => {
    expect(decodeCursor(cursor, 'price_asc')).toBeUndefined();
  });

  it('rejects a non-date key for newest', () => {
    expect(decodeCursor(Buffer.from(JSON.stringify(['newest', 'yesterday', id])).toString('base64url'), 'newest')).toBeUndefined();
  });
});
