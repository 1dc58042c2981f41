// Keyset pagination. A cursor carries the sort key and id of the last row served, so the next page
// is "rows after this one" — stable under inserts and as fast on page 500 as on page 1, unlike
// OFFSET. Cursors are opaque base64url JSON; anything that does not decode is a client error.
import type { ProductSort } from '../schemas/product.ts';

export interface CursorPosition {
  sort: ProductSort;
  /** The last row's sort key: ISO time, integer price or name. */
  key: string | number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.key, position.id])).toString('base64url');
}

/** Decodes a cursor made for `sort`; returns undefined if it is malformed or made for another sort. */
export function decodeCursor(cursor: string, sort: ProductSort): CursorPosition | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [cursorSort, key, id] = parsed as unknown[];
  if (cursorSort !== sort || typeof id !== 'string' || !UUID.test(id)) return undefined;
  if (sort === 'price_asc' || sort === 'price_desc') {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0) return undefined;
  } else if (sort === 'newest') {
    if (typeof key !== 'string' || Number.isNaN(Date.parse(key))) return undefined;
  } else if (typeof key !== 'string' || key.length > 200) {
    return undefined;
  }
  return { sort, key, id };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SQL pieces for a sort: ORDER BY and the keyset comparison ($n is the key, $n+1 the id). */
export function keysetFor(sort: ProductSort): { orderBy: string; after: (keyParam: number) => string } {
  switch (sort) {
    case 'price_asc':
      return { orderBy: 'p.price_cents ASC, p.id ASC', after: (n) => `(p.price_cents, p.id) > ($${n}::int, $${n + 1}::uuid)` };
    case 'price_desc':
      return { orderBy: 'p.price_cents DESC, p.id DESC', after: (n) => `(p.price_cents, p.id) < ($${n}::int, $${n + 1}::uuid)` };
    case 'name':
      return { orderBy: 'p.name ASC, p.id ASC', after: (n) => `(p.name, p.id) > ($${n}::text, $${n + 1}::uuid)` };
    case 'newest':
      return { orderBy: 'p.created_at DESC, p.id DESC', after: (n) => `(p.created_at, p.id) < ($${n}::timestamptz, $${n + 1}::uuid)` };
  }
}
