// PostgreSQL access for orders: the orders table (read model + persisted saga state) and the
// append-only order_events audit log. Plain SQL; transactions belong to the callers.
import type { Queryable, KeysetPosition } from '@shopwatch/platform';

import type { CompensationStep, LogEntry, OrderStatus, PaymentHold, SagaState, ShipmentHold, Step, StockHold } from '../domain/saga.ts';
import type { Order, OrderLogEntry } from '../schemas/order.ts';
import type { OrderLine, SagaStep, ShippingMethod } from '@shopwatch/contracts';

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  currency: string;
  total_cents: string;
  lines: OrderLine[];
  shipping: { country: string; postalCode: string; city: string; method: ShippingMethod };
  card_token: string | null;
  request_fingerprint: string | null;
  trace_headers: Record<string, string>;
  saga_step: Step | null;
  awaited_command_id: string | null;
  step_command_ids: string[];
  step_started_at: Date | null;
  step_deadline: Date | null;
  step_attempt: number;
  stock_hold: StockHold;
  payment_hold: PaymentHold;
  shipment_hold: ShipmentHold;
  payment_id: string | null;
  shipment_id: string | null;
  failure_reason: string | null;
  failed_step: SagaStep | null;
  compensations: CompensationStep[];
  refund_required: boolean;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  /** created_at as text with microseconds, for cursors. */
  created_key: string;
}

const COLUMNS = `*, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key`;
const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function sagaOf(row: OrderRow): SagaState {
  const { method, ...destination } = row.shipping;
  return {
    order: {
      orderId: row.id,
      userId: row.user_id,
      lines: row.lines,
      totalCents: Number(row.total_cents),
      currency: row.currency,
      destination,
      method,
      ...(row.card_token ? { cardToken: row.card_token } : {}),
      placedAt: row.created_at.toISOString(),
    },
    status: row.status,
    step: row.saga_step,
    awaitedCommandId: row.awaited_command_id,
    stepCommandIds: row.step_command_ids,
    stepStartedAt: iso(row.step_started_at),
    stepDeadline: iso(row.step_deadline),
    stepAttempt: row.step_attempt,
    stock: row.stock_hold,
    payment: row.payment_hold,
    shipment: row.shipment_hold,
    paymentId: row.payment_id,
    shipmentId: row.shipment_id,
    failure: row.failure_reason && row.failed_step ? { reason: row.failure_reason, failedStep: row.failed_step } : null,
    compensations: row.compensations,
    refundRequired: row.refund_required,
    completedAt: iso(row.completed_at),
  };
}

export function viewOf(row: OrderRow): Order {
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    lines: row.lines.map((line) => ({ ...line, lineTotalCents: line.quantity * line.unitPriceCents })),
    totalCents: Number(row.total_cents),
    currency: row.currency,
    shipping: row.shipping,
    step: row.saga_step,
    reason: row.failure_reason,
    failedStep: row.failed_step,
    paymentId: row.payment_id,
    shipmentId: row.shipment_id,
    refundRequired: row.refund_required,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    completedAt: iso(row.completed_at),
  };
}

export interface NewOrderMeta {
  idempotencyKey: string | undefined;
  fingerprint: string | undefined;
  traceHeaders: Record<string, string>;
}

/** Inserts a new order with its saga state; false when the user's idempotency key is already taken. */
export async function insertOrder(db: Queryable, state: SagaState, meta: NewOrderMeta): Promise<boolean> {
  const { order } = state;
  const result = await db.query(
    `INSERT INTO orders (id, user_id, status, currency, total_cents, lines, shipping, card_token, idempotency_key, request_fingerprint,
       trace_headers, saga_step, awaited_command_id, step_started_at, step_deadline, step_attempt, stock_hold, payment_hold, shipment_hold,
       compensations, created_at, updated_at, step_command_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21, $22)
     ON CONFLICT (user_id, idempotency_key) DO NOTHING`,
    [
      order.orderId,
      order.userId,
      state.status,
      order.currency,
      order.totalCents,
      JSON.stringify(order.lines),
      JSON.stringify({ ...order.destination, method: order.method }),
      order.cardToken ?? null,
      meta.idempotencyKey ?? null,
      meta.fingerprint ?? null,
      JSON.stringify(meta.traceHeaders),
      state.step,
      state.awaitedCommandId,
      state.stepStartedAt,
      state.stepDeadline,
      state.stepAttempt,
      state.stock,
      state.payment,
      state.shipment,
      state.compensations,
      order.placedAt,
      state.stepCommandIds,
    ],
  );
  return (result.rowCount ?? 0) === 1;
}

const SAVE_SAGA = `UPDATE orders SET status = $2, saga_step = $3, awaited_command_id = $4, step_started_at = $5, step_deadline = $6, step_attempt = $7,
       stock_hold = $8, payment_hold = $9, shipment_hold = $10, payment_id = $11, shipment_id = $12, failure_reason = $13, failed_step = $14,
       compensations = $15, refund_required = $16, completed_at = $17, updated_at = $18, step_command_ids = $19
     WHERE id = $1`;

const sagaParams = (state: SagaState, now: Date): unknown[] => [
  state.order.orderId,
  state.status,
  state.step,
  state.awaitedCommandId,
  state.stepStartedAt,
  state.stepDeadline,
  state.stepAttempt,
  state.stock,
  state.payment,
  state.shipment,
  state.paymentId,
  state.shipmentId,
  state.failure?.reason ?? null,
  state.failure?.failedStep ?? null,
  state.compensations,
  state.refundRequired,
  state.completedAt,
  now,
  state.stepCommandIds,
];

const logColumns = (entries: readonly LogEntry[]): unknown[] => [
  entries.map((e) => e.kind),
  entries.map((e) => e.step),
  entries.map((e) => e.commandId),
  entries.map((e) => e.eventId),
  entries.map((e) => JSON.stringify(e.detail)),
];

/** Writes the saga part of the state (the placed order never changes). */
export async function saveSaga(db: Queryable, state: SagaState, now: Date): Promise<void> {
  await db.query(SAVE_SAGA, sagaParams(state, now));
}

export async function appendLog(db: Queryable, orderId: string, at: Date, entries: readonly LogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO order_events (order_id, at, kind, step, command_id, event_id, detail)
     SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::jsonb[])`,
    [orderId, at, ...logColumns(entries)],
  );
}

/**
 * The saga state and its log entries in one round trip (the hot path: every reply and timeout).
 * A data-modifying CTE always runs, so the UPDATE happens even though nothing reads its result.
 */
export async function saveSagaWithLog(db: Queryable, state: SagaState, now: Date, entries: readonly LogEntry[]): Promise<void> {
  if (entries.length === 0) return saveSaga(db, state, now);
  await db.query(
    `WITH saved AS (${SAVE_SAGA})
     INSERT INTO order_events (order_id, at, kind, step, command_id, event_id, detail)
     SELECT $1, $18, * FROM unnest($20::text[], $21::text[], $22::uuid[], $23::uuid[], $24::jsonb[])`,
    [...sagaParams(state, now), ...logColumns(entries)],
  );
}

export interface LockedOrder {
  state: SagaState;
  traceHeaders: Record<string, string>;
}

/** The order's row, locked for this transaction (replies to one order are applied one at a time). */
export async function lockOrder(db: Queryable, id: string): Promise<LockedOrder | undefined> {
  const { rows } = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = $1 FOR UPDATE`, [id]);
  const row = rows[0];
  return row ? { state: sagaOf(row), traceHeaders: row.trace_headers } : undefined;
}

/**
 * Running sagas whose step deadline passed, locked; rows another replica is working on are skipped
 * (SKIP LOCKED), so sweepers on several replicas never take the same order.
 */
export async function claimOverdue(db: Queryable, now: Date, limit: number): Promise<LockedOrder[]> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${COLUMNS} FROM orders WHERE step_deadline IS NOT NULL AND step_deadline <= $1
     ORDER BY step_deadline LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map((row) => ({ state: sagaOf(row), traceHeaders: row.trace_headers }));
}

export async function getOrder(db: Queryable, id: string): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = $1`, [id]);
  return rows[0] ? viewOf(rows[0]) : undefined;
}

export async function findByIdempotencyKey(db: Queryable, userId: string, key: string): Promise<{ order: Order; fingerprint: string | null } | undefined> {
  const { rows } = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE user_id = $1 AND idempotency_key = $2`, [userId, key]);
  const row = rows[0];
  return row ? { order: viewOf(row), fingerprint: row.request_fingerprint } : undefined;
}

export interface HistoryQuery {
  userId: string;
  status: OrderStatus | undefined;
  after: KeysetPosition | undefined;
  limit: number;
}

/** A user's orders, newest first, after the cursor's position; one row more tells if there is a next page. */
export async function listOrders(db: Queryable, query: HistoryQuery): Promise<{ items: Order[]; last: KeysetPosition | undefined; more: boolean }> {
  const params: unknown[] = [query.userId];
  const where = ['user_id = $1'];
  if (query.status) {
    params.push(query.status);
    where.push(`status = $${params.length}`);
  }
  if (query.after) {
    params.push(query.after.createdAt, query.after.id);
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(query.limit + 1);
  const { rows } = await db.query<OrderRow>(
    `SELECT ${COLUMNS} FROM orders WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const lastRow = page.at(-1);
  return {
    items: page.map(viewOf),
    last: lastRow ? { createdAt: lastRow.created_key, id: lastRow.id } : undefined,
    more: rows.length > query.limit,
  };
}

export async function listLog(db: Queryable, orderId: string): Promise<OrderLogEntry[]> {
  const { rows } = await db.query<{ seq: string; at: Date; kind: string; step: string | null; command_id: string | null; event_id: string | null; detail: Record<string, unknown> }>(
    'SELECT seq, at, kind, step, command_id, event_id, detail FROM order_events WHERE order_id = $1 ORDER BY seq',
    [orderId],
  );
  return rows.map((r) => ({ seq: Number(r.seq), at: r.at.toISOString(), kind: r.kind, step: r.step, commandId: r.command_id, eventId: r.event_id, detail: r.detail }));
}

/** Sagas still running (for the in-flight gauge, read at scrape). */
export async function countInFlight(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(// A running saga always has a step deadline: the sweeper's partial index answers this.
    'SELECT count(*) AS n FROM orders WHERE step_deadline IS NOT NULL');
  return Number(rows[0]?.n ?? 0);
}
