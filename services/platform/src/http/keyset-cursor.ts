// Keyset cursors for newest-first lists ordered by (created_at, id): the position of the last
// row served, opaque to clients (base64url JSON). The time stays text, so a PostgreSQL timestamp
// with microseconds survives the round trip exactly. A malformed cursor decodes to undefined,
// which routes answer with a 400 problem.

export interface KeysetPosition {
  /** RFC 3339, as precise as the column (e.g. `to_char(… 'US')` text, or `Date#toISOString()`). */
  createdAt: string;
  /** The row's UUID, the tie-breaker between rows created at the same instant. */
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id]), 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this list could have handed out. */
export function decodeKeysetCursor(cursor: string): KeysetPosition | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || !RFC3339.test(createdAt) || Number.isNaN(Date.parse(createdAt))) return undefined;
  if (typeof id !== 'string' || !UUID.test(id)) return undefined;
  return { createdAt, id };
}
