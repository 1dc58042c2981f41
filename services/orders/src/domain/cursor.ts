// Keyset pagination over an order history, newest first: a cursor carries the created-at time and
// id of the last order served, so the next page is "orders before this one" — stable while new
// orders arrive. Opaque base64url JSON; anything that does not decode is a client error.

export interface HistoryPosition {
  /** RFC 3339 with microseconds as PostgreSQL keeps them (text, so no precision is lost). */
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeHistoryCursor(position: HistoryPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

/** The position a cursor names, or undefined if it is malformed. */
export function decodeHistoryCursor(cursor: string): HistoryPosition | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [createdAt, id] = parsed as unknown[];
  if (typeof createdAt !== 'string' || createdAt.length > 40 || Number.isNaN(Date.parse(createdAt))) return undefined;
  if (typeof id !== 'string' || !UUID.test(id)) return undefined;
  return { createdAt, id };
}
