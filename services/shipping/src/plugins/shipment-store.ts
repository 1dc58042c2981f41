// SQL for shipments, their tracking history and the orders cancelled before a shipment existed.
// Functions take a Queryable so callers choose the transaction; every status change writes its
// tracking row in the same transaction.
import type { ShippingMethod } from '@shopwatch/contracts';
import type { Queryable } from '@shopwatch/platform';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../domain/shipment.ts';

export interface ShipmentRecord {
  id: string;
  orderId: string;
  status: ShipmentStatus;
  method: ShippingMethod;
  zone: string;
  carrier: string;
  country: string;
  postalCode: string;
  city: string;
  weightGrams: number;
  itemCount: number;
  costCents: number;
  currency: string;
  estimatedDeliveryAt: Date;
  nextStepAt: Date | null;
  confirmedAt: Date | null;
  dispatchedAt: Date | null;
  deliveredAt: Date | null;
  cancelReason: string | null;
  /** Trace context of the order's confirmation (W3C headers), continued by the ticker's facts. */
  traceHeaders: Record<string, string> | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  id: string;
  order_id: string;
  status: ShipmentStatus;
  method: ShippingMethod;
  zone: string;
  carrier: string;
  country: string;
  postal_code: string;
  city: string;
  weight_grams: number;
  item_count: number;
  cost_cents: number;
  currency: string;
  estimated_delivery_at: Date;
  next_step_at: Date | null;
  confirmed_at: Date | null;
  dispatched_at: Date | null;
  delivered_at: Date | null;
  cancel_reason: string | null;
  trace_headers: Record<string, string> | null;
  created_at: Date;
  updated_at: Date;
}

function fromRow(row: Row): ShipmentRecord {
  return {
    id: row.id,
    orderId: row.order_id,
    status: row.status,
    method: row.method,
    zone: row.zone,
    carrier: row.carrier,
    country: row.country,
    postalCode: row.postal_code,
    city: row.city,
    weightGrams: row.weight_grams,
    itemCount: row.item_count,
    costCents: row.cost_cents,
    currency: row.currency,
    estimatedDeliveryAt: row.estimated_delivery_at,
    nextStepAt: row.next_step_at,
    confirmedAt: row.confirmed_at,
    dispatchedAt: row.dispatched_at,
    deliveredAt: row.delivered_at,
    cancelReason: row.cancel_reason,
    traceHeaders: row.trace_headers,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type NewShipment = Omit<ShipmentRecord, 'id' | 'status' | 'nextStepAt' | 'confirmedAt' | 'dispatchedAt' | 'deliveredAt' | 'cancelReason' | 'traceHeaders' | 'updatedAt'>;

/** Inserts a pending shipment for the order; undefined when the order already has one. */
export async function insertShipment(db: Queryable, s: NewShipment): Promise<ShipmentRecord | undefined> {
  const { rows } = await db.query<Row>(
    `INSERT INTO shipments (order_id, status, method, zone, carrier, country, postal_code, city, weight_grams, item_count,
       cost_cents, currency, estimated_delivery_at, created_at, updated_at)
     VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
     ON CONFLICT (order_id) DO NOTHING
     RETURNING *`,
    [s.orderId, s.method, s.zone, s.carrier, s.country, s.postalCode, s.city, s.weightGrams, s.itemCount, s.costCents, s.currency, s.estimatedDeliveryAt, s.createdAt],
  );
  const row = rows[0];
  if (!row) return undefined;
  await addTracking(db, row.id, 'pending', `${row.carrier} shipment created`, s.createdAt);
  return fromRow(row);
}

export async function addTracking(db: Queryable, shipmentId: string, status: ShipmentStatus, detail: string | null, at: Date): Promise<void> {
  await db.query('INSERT INTO shipment_tracking (shipment_id, status, detail, at) VALUES ($1, $2, $3, $4)', [shipmentId, status, detail, at]);
}

/** The order's shipment, locked for the rest of the transaction. */
export async function lockByOrder(db: Queryable, orderId: string): Promise<ShipmentRecord | undefined> {
  const { rows } = await db.query<Row>('SELECT * FROM shipments WHERE order_id = $1 FOR UPDATE', [orderId]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function getShipment(db: Queryable, id: string): Promise<ShipmentRecord | undefined> {
  const { rows } = await db.query<Row>('SELECT * FROM shipments WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export interface TrackingEntry {
  status: ShipmentStatus;
  detail: string | null;
  at: Date;
}

export async function tracking(db: Queryable, shipmentId: string): Promise<TrackingEntry[]> {
  const { rows } = await db.query<TrackingEntry>('SELECT status, detail, at FROM shipment_tracking WHERE shipment_id = $1 ORDER BY seq', [shipmentId]);
  return rows;
}

export interface ListFilter {
  orderId?: string;
  status?: ShipmentStatus;
  /** Keyset position: rows strictly after (older than) this one. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listShipments(db: Queryable, filter: ListFilter): Promise<ShipmentRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM shipments
     WHERE ($1::text IS NULL OR order_id = $1)
       AND ($2::text IS NULL OR status = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
     ORDER BY created_at DESC, id DESC
     LIMIT $5`,
    [filter.orderId ?? null, filter.status ?? null, filter.after?.createdAt ?? null, filter.after?.id ?? null, filter.limit],
  );
  return rows.map(fromRow);
}

export interface StatusChange {
  status: ShipmentStatus;
  nextStepAt: Date | null;
  at: Date;
  detail: string | null;
  confirmedAt?: Date;
  dispatchedAt?: Date;
  deliveredAt?: Date;
  cancelReason?: string;
}

export async function changeStatus(db: Queryable, id: string, change: StatusChange): Promise<ShipmentRecord> {
  const { rows } = await db.query<Row>(
    `UPDATE shipments SET status = $2, next_step_at = $3, updated_at = $4,
       confirmed_at = COALESCE($5, confirmed_at), dispatched_at = COALESCE($6, dispatched_at),
       delivered_at = COALESCE($7, delivered_at), cancel_reason = COALESCE($8, cancel_reason)
     WHERE id = $1 RETURNING *`,
    [id, change.status, change.nextStepAt, change.at, change.confirmedAt ?? null, change.dispatchedAt ?? null, change.deliveredAt ?? null, change.cancelReason ?? null],
  );
  if (!rows[0]) throw new Error(`shipment ${id} vanished`);
  await addTracking(db, id, change.status, change.detail, change.at);
  return fromRow(rows[0]);
}

/** Schedules the first step (dispatch) of a pending shipment that has not been scheduled yet. */
export async function scheduleDispatch(db: Queryable, id: string, at: Date, due: Date, traceHeaders: Record<string, string> | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE shipments SET confirmed_at = $2, next_step_at = $3, updated_at = $2, trace_headers = $4
     WHERE id = $1 AND status = 'pending' AND confirmed_at IS NULL`,
    [id, at, due, traceHeaders ? JSON.stringify(traceHeaders) : null],
  );
  return (rowCount ?? 0) > 0;
}

/** Shipments whose next step is due, locked; rows another replica holds are skipped. */
export async function claimDue(db: Queryable, now: Date, limit: number): Promise<ShipmentRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM shipments
     WHERE next_step_at <= $1 AND status IN ('pending', 'dispatched', 'in_transit')
     ORDER BY next_step_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(fromRow);
}

/** Records that the order was cancelled before it had a shipment; false if already recorded. */
export async function rememberCancelledOrder(db: Queryable, orderId: string, reason: string, at: Date): Promise<boolean> {
  const { rowCount } = await db.query('INSERT INTO cancelled_orders (order_id, reason, at) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO NOTHING', [orderId, reason, at]);
  return (rowCount ?? 0) > 0;
}

export async function isCancelledOrder(db: Queryable, orderId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM cancelled_orders WHERE order_id = $1', [orderId]);
  return (rowCount ?? 0) > 0;
}

export async function statusCounts(db: Queryable): Promise<Record<ShipmentStatus, number>> {
  const { rows } = await db.query<{ status: ShipmentStatus; n: string }>('SELECT status, count(*) AS n FROM shipments GROUP BY status');
  const counts = Object.fromEntries(SHIPMENT_STATUSES.map((s) => [s, 0])) as Record<ShipmentStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/**
 * Serialises everything done for one order (create, cancel, confirmation) across replicas for the
 * rest of the transaction, so a create racing a cancel during a rebalance cannot miss its tombstone.
 */
export async function lockOrder(db: Queryable, orderId: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('shipping:order'), hashtext($1))", [orderId]);
}
