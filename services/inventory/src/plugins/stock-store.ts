// PostgreSQL access for inventory: stock levels and reservations. Every operation takes a client
// inside the caller's transaction (so its outbox events commit with it) and follows one lock
// order — the order's reservation row first, then stock rows in ascending product id — so
// concurrent reserves, releases, commits and the sweeper can wait for each other but never
// deadlock. Stock rows are locked with SELECT … FOR UPDATE before anything is decided: two
// reservations of the last unit are serialised, the second sees the first's effect. The CHECK
// constraints of the `stock` table back this up: a bug here fails a transaction, never oversells.
import type { Queryable } from '@shopwatch/platform';
import { crossedLowStock, isProductId, mergeItems, planReservation, type RequestedItem, type Shortfall, type StockLevel } from '../domain/reservation-plan.ts';

export interface Stock {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number;
  low: boolean;
  updatedAt: string;
}

export interface LowStockCrossing {
  productId: string;
  available: number;
  threshold: number;
}

export type ReservationStatus = 'reserved' | 'committed' | 'released';

export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  releaseReason: string | null;
  expiresAt: string;
  createdAt: string;
  settledAt: string | null;
  items: RequestedItem[];
}

export type ReserveOutcome =
  | { status: 'reserved'; reservation: Reservation; lowStock: LowStockCrossing[]; created: boolean }
  | { status: 'failed'; reason: 'out_of_stock' | 'unknown_product' | 'reservation_expired' | 'reservation_released'; shortfall: Shortfall[] };

export type ReleaseOutcome =
  | { outcome: 'released' | 'already_released' | 'already_committed'; reservation: Reservation }
  | { outcome: 'not_reserved' };

export type CommitOutcome =
  | { status: 'committed'; reservation: Reservation; created: boolean }
  | { status: 'failed'; reason: 'reservation_not_found' | 'reservation_expired' | 'reservation_released' };

/** Thrown when another transaction reserved for the same order at the same moment; retrying sees its result. */
export class ConcurrentReservationError extends Error {
  constructor(orderId: string) {
    super(`a concurrent reservation for order ${orderId} is in progress`);
    this.name = 'ConcurrentReservationError';
  }
}

interface StockRow {
  product_id: string;
  on_hand: number;
  reserved: number;
  available: number;
  threshold: number;
  updated_at: Date;
}

const STOCK_COLUMNS = (thresholdParam: number) =>
  `product_id::text, on_hand, reserved, available, COALESCE(low_stock_threshold, $${thresholdParam}) AS threshold, updated_at`;

function toStock(row: StockRow): Stock {
  return {
    productId: row.product_id,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: row.available,
    lowStockThreshold: row.threshold,
    low: row.available <= row.threshold,
    updatedAt: row.updated_at.toISOString(),
  };
}

// ---- stock ----

export async function getStock(db: Queryable, productId: string, defaultThreshold: number): Promise<Stock | undefined> {
  const { rows } = await db.query<StockRow>(`SELECT ${STOCK_COLUMNS(2)} FROM stock WHERE product_id = $1`, [productId, defaultThreshold]);
  return rows[0] ? toStock(rows[0]) : undefined;
}

export async function getStocks(db: Queryable, productIds: readonly string[], defaultThreshold: number): Promise<Stock[]> {
  const { rows } = await db.query<StockRow>(
    `SELECT ${STOCK_COLUMNS(2)} FROM stock WHERE product_id = ANY($1::uuid[]) ORDER BY product_id`,
    [productIds, defaultThreshold],
  );
  return rows.map(toStock);
}

/**
 * Adds `quantity` units on hand, creating the product's stock row on its first restock, and
 * optionally sets the product's own low-stock threshold. Raises available, so it never signals
 * low stock; it re-arms the signal for the next downward crossing.
 */
export async function restock(
  db: Queryable,
  productId: string,
  quantity: number,
  lowStockThreshold: number | undefined,
  defaultThreshold: number,
  now: Date,
): Promise<Stock> {
  const { rows } = await db.query<StockRow>(
    `INSERT INTO stock AS s (product_id, on_hand, low_stock_threshold, created_at, updated_at) VALUES ($1, $2, $3, $5, $5)
     ON CONFLICT (product_id) DO UPDATE SET on_hand = s.on_hand + EXCLUDED.on_hand,
       low_stock_threshold = COALESCE($3, s.low_stock_threshold), updated_at = $5
     RETURNING ${STOCK_COLUMNS(4)}`,
    [productId, quantity, lowStockThreshold ?? null, defaultThreshold, now],
  );
  return toStock(rows[0]!);
}

export type StockCountOutcome =
  | { status: 'counted'; stock: Stock; lowStock: LowStockCrossing | undefined }
  | { status: 'below-reserved'; reserved: number };

/**
 * Sets the units on hand to a counted number (a stock take: damaged or lost goods, a miscount),
 * creating the record if needed. Refused when fewer units than are reserved would remain: those
 * units are promised to orders. A count that takes available stock across the low-stock threshold
 * downwards is a crossing like a reservation's.
 */
export async function countStock(
  db: Queryable,
  productId: string,
  onHand: number,
  lowStockThreshold: number | undefined,
  defaultThreshold: number,
  now: Date,
): Promise<StockCountOutcome> {
  await db.query('INSERT INTO stock (product_id, created_at, updated_at) VALUES ($1, $2, $2) ON CONFLICT (product_id) DO NOTHING', [productId, now]);
  const { rows } = await db.query<StockRow>(`SELECT ${STOCK_COLUMNS(2)} FROM stock WHERE product_id = $1 FOR UPDATE`, [productId, defaultThreshold]);
  const before = rows[0]!;
  if (onHand < before.reserved) return { status: 'below-reserved', reserved: before.reserved };
  const { rows: updated } = await db.query<StockRow>(
    `UPDATE stock SET on_hand = $2, low_stock_threshold = COALESCE($3, low_stock_threshold), updated_at = $5
     WHERE product_id = $1 RETURNING ${STOCK_COLUMNS(4)}`,
    [productId, onHand, lowStockThreshold ?? null, defaultThreshold, now],
  );
  const stock = toStock(updated[0]!);
  const crossed = crossedLowStock(before.available, stock.available, stock.lowStockThreshold);
  return { status: 'counted', stock, lowStock: crossed ? { productId, available: stock.available, threshold: stock.lowStockThreshold } : undefined };
}

/**
 * The simulated supplier: adds `quantity` units to every product whose available stock is at or
 * below `below` (at most `limit` products per call, lowest stock first); returns the units added.
 * Rows locked by a reservation in progress are skipped (SKIP LOCKED) and topped up next time.
 */
export async function replenish(db: Queryable, below: number, quantity: number, limit: number, now: Date): Promise<{ products: number; units: number }> {
  const { rows } = await db.query<{ products: string; units: string | null }>(
    `WITH due AS (
       SELECT product_id FROM stock WHERE available <= $1 AND on_hand + $2 <= 1000000000
       ORDER BY available, product_id LIMIT $3 FOR UPDATE SKIP LOCKED
     ), topped AS (
       UPDATE stock s SET on_hand = s.on_hand + $2, updated_at = $4 FROM due WHERE s.product_id = due.product_id RETURNING 1
     )
     SELECT count(*) AS products, count(*) * $2::bigint AS units FROM topped`,
    [below, quantity, limit, now],
  );
  return { products: Number(rows[0]?.products ?? 0), units: Number(rows[0]?.units ?? 0) };
}

/** Locks the stock rows of `productIds` in ascending id order (the one lock order) and reads them. */
async function lockStock(db: Queryable, productIds: readonly string[], defaultThreshold: number): Promise<Map<string, StockLevel & { threshold: number }>> {
  const ids = productIds.filter(isProductId);
  const levels = new Map<string, StockLevel & { threshold: number }>();
  if (ids.length === 0) return levels;
  const { rows } = await db.query<StockRow>(
    `SELECT ${STOCK_COLUMNS(2)} FROM stock WHERE product_id = ANY($1::uuid[]) ORDER BY product_id FOR UPDATE`,
    [ids, defaultThreshold],
  );
  for (const row of rows) levels.set(row.product_id, { productId: row.product_id, onHand: row.on_hand, reserved: row.reserved, threshold: row.threshold });
  return levels;
}

// ---- reservations ----

interface ReservationRow {
  order_id: string;
  status: ReservationStatus;
  release_reason: string | null;
  expires_at: Date;
  created_at: Date;
  settled_at: Date | null;
  items: RequestedItem[] | null;
}

const RESERVATION_SELECT = `
  SELECT r.order_id, r.status, r.release_reason, r.expires_at, r.created_at, r.settled_at,
    (SELECT json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity) ORDER BY i.product_id)
       FROM reservation_items i WHERE i.order_id = r.order_id) AS items
  FROM reservations r WHERE r.order_id = $1`;

function toReservation(row: ReservationRow): Reservation {
  return {
    orderId: row.order_id,
    status: row.status,
    releaseReason: row.release_reason,
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    settledAt: row.settled_at ? row.settled_at.toISOString() : null,
    items: row.items ?? [],
  };
}

export async function getReservation(db: Queryable, orderId: string): Promise<Reservation | undefined> {
  const { rows } = await db.query<ReservationRow>(RESERVATION_SELECT, [orderId]);
  return rows[0] ? toReservation(rows[0]) : undefined;
}

/** Locks the order's reservation row (the first lock of every operation on an order). */
async function lockReservation(db: Queryable, orderId: string): Promise<Reservation | undefined> {
  const { rows } = await db.query<ReservationRow>(`${RESERVATION_SELECT} FOR UPDATE OF r`, [orderId]);
  return rows[0] ? toReservation(rows[0]) : undefined;
}

function closedReason(reservation: Reservation): 'reservation_expired' | 'reservation_released' {
  return reservation.releaseReason === 'expired' ? 'reservation_expired' : 'reservation_released';
}

/** What an order that already has a reservation gets when it asks again: the same answer. */
function repeatReserve(existing: Reservation): ReserveOutcome {
  if (existing.status === 'released') return { status: 'failed', reason: closedReason(existing), shortfall: [] };
  return { status: 'reserved', reservation: existing, lowStock: [], created: false };
}

export interface ReserveInput {
  orderId: string;
  items: readonly RequestedItem[];
  expiresAt: Date;
  now: Date;
  defaultThreshold: number;
}

/**
 * Reserves all of an order's items or none. Idempotent by order: asking again for an order that
 * has a reservation returns that reservation unchanged (whatever items the repeat names).
 */
export async function reserve(db: Queryable, input: ReserveInput): Promise<ReserveOutcome> {
  const existing = await lockReservation(db, input.orderId);
  if (existing) return repeatReserve(existing);
  if (input.expiresAt.getTime() <= input.now.getTime()) return { status: 'failed', reason: 'reservation_expired', shortfall: [] };

  // Claim the order id first. A concurrent reserve for the same order waits here on the unique
  // index until this transaction ends, then finds our row (or, if we failed, makes its own).
  const claimed = await db.query(
    `INSERT INTO reservations (order_id, status, expires_at, created_at) VALUES ($1, 'reserved', $2, $3)
     ON CONFLICT (order_id) DO NOTHING`,
    [input.orderId, input.expiresAt, input.now],
  );
  if (claimed.rowCount === 0) {
    const winner = await lockReservation(db, input.orderId);
    if (!winner) throw new ConcurrentReservationError(input.orderId);
    return repeatReserve(winner);
  }

  const items = mergeItems(input.items);
  const levels = await lockStock(db, items.map((item) => item.productId), input.defaultThreshold);
  const plan = planReservation(items, levels);
  if (!plan.ok) {
    await db.query('DELETE FROM reservations WHERE order_id = $1', [input.orderId]);
    return { status: 'failed', reason: plan.reason, shortfall: plan.shortfall };
  }

  const productIds = plan.items.map((item) => item.productId);
  const quantities = plan.items.map((item) => item.quantity);
  await db.query(
    `UPDATE stock s SET reserved = s.reserved + i.quantity, updated_at = $3
     FROM unnest($1::uuid[], $2::int[]) AS i(product_id, quantity) WHERE s.product_id = i.product_id`,
    [productIds, quantities, input.now],
  );
  await db.query(
    'INSERT INTO reservation_items (order_id, product_id, quantity) SELECT $1, * FROM unnest($2::uuid[], $3::int[])',
    [input.orderId, productIds, quantities],
  );

  const lowStock: LowStockCrossing[] = [];
  for (const item of plan.items) {
    const level = levels.get(item.productId)!;
    const before = level.onHand - level.reserved;
    const after = before - item.quantity;
    if (crossedLowStock(before, after, level.threshold)) lowStock.push({ productId: item.productId, available: after, threshold: level.threshold });
  }
  const reservation: Reservation = {
    orderId: input.orderId,
    status: 'reserved',
    releaseReason: null,
    expiresAt: input.expiresAt.toISOString(),
    createdAt: input.now.toISOString(),
    settledAt: null,
    items: plan.items,
  };
  return { status: 'reserved', reservation, lowStock, created: true };
}

/** Gives a reserved order's units back. Idempotent: a repeat reports what happened before. */
export async function release(db: Queryable, orderId: string, reason: string, now: Date, defaultThreshold: number): Promise<ReleaseOutcome> {
  const reservation = await lockReservation(db, orderId);
  if (!reservation) return { outcome: 'not_reserved' };
  if (reservation.status === 'released') return { outcome: 'already_released', reservation };
  if (reservation.status === 'committed') return { outcome: 'already_committed', reservation };

  await lockStock(db, reservation.items.map((item) => item.productId), defaultThreshold);
  await db.query(
    `UPDATE stock s SET reserved = s.reserved - i.quantity, updated_at = $2
     FROM reservation_items i WHERE i.order_id = $1 AND s.product_id = i.product_id`,
    [orderId, now],
  );
  await db.query(`UPDATE reservations SET status = 'released', release_reason = $2, settled_at = $3 WHERE order_id = $1`, [orderId, reason, now]);
  return { outcome: 'released', reservation: { ...reservation, status: 'released', releaseReason: reason, settledAt: now.toISOString() } };
}

/**
 * The order is confirmed: its reserved units leave on-hand stock. Idempotent. A reservation past
 * its expiry that the sweeper has not released yet still holds its units and may be committed.
 */
export async function commit(db: Queryable, orderId: string, now: Date, defaultThreshold: number): Promise<CommitOutcome> {
  const reservation = await lockReservation(db, orderId);
  if (!reservation) return { status: 'failed', reason: 'reservation_not_found' };
  if (reservation.status === 'released') return { status: 'failed', reason: closedReason(reservation) };
  if (reservation.status === 'committed') return { status: 'committed', reservation, created: false };

  await lockStock(db, reservation.items.map((item) => item.productId), defaultThreshold);
  await db.query(
    `UPDATE stock s SET on_hand = s.on_hand - i.quantity, reserved = s.reserved - i.quantity, updated_at = $2
     FROM reservation_items i WHERE i.order_id = $1 AND s.product_id = i.product_id`,
    [orderId, now],
  );
  await db.query(`UPDATE reservations SET status = 'committed', settled_at = $2 WHERE order_id = $1`, [orderId, now]);
  return { status: 'committed', reservation: { ...reservation, status: 'committed', settledAt: now.toISOString() }, created: true };
}

/**
 * Releases one reservation whose expiry has passed, if any is not being handled by someone else
 * (SKIP LOCKED: several sweepers, or a sweeper and a commit, never wait for each other here).
 */
export async function releaseOneExpired(db: Queryable, now: Date, defaultThreshold: number): Promise<Reservation | undefined> {
  const { rows } = await db.query<{ order_id: string }>(
    `SELECT order_id FROM reservations WHERE status = 'reserved' AND expires_at <= $1
     ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [now],
  );
  const orderId = rows[0]?.order_id;
  if (orderId === undefined) return undefined;
  const outcome = await release(db, orderId, 'expired', now, defaultThreshold);
  return outcome.outcome === 'released' ? outcome.reservation : undefined;
}

export interface StockSnapshot {
  products: number;
  lowStock: number;
  outOfStock: number;
  onHand: number;
  reserved: number;
  available: number;
  openReservations: number;
  overdueReservations: number;
}

/** Aggregates for the stock-risk gauges (one scan; computed at scrape time). */
export async function stockSnapshot(db: Queryable, defaultThreshold: number, now: Date): Promise<StockSnapshot> {
  const { rows } = await db.query<Record<keyof StockSnapshot, string>>(
    `SELECT
       (SELECT count(*) FROM stock) AS "products",
       (SELECT count(*) FROM stock WHERE available <= COALESCE(low_stock_threshold, $1)) AS "lowStock",
       (SELECT count(*) FROM stock WHERE available = 0) AS "outOfStock",
       (SELECT COALESCE(sum(on_hand), 0) FROM stock) AS "onHand",
       (SELECT COALESCE(sum(reserved), 0) FROM stock) AS "reserved",
       (SELECT COALESCE(sum(available), 0) FROM stock) AS "available",
       (SELECT count(*) FROM reservations WHERE status = 'reserved') AS "openReservations",
       (SELECT count(*) FROM reservations WHERE status = 'reserved' AND expires_at <= $2) AS "overdueReservations"`,
    [defaultThreshold, now],
  );
  const row = rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)])) as unknown as StockSnapshot;
}
