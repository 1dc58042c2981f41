// SQL for payments and their status history. Functions take a Queryable so callers choose the
// transaction; every status change writes its history row in the same transaction.
import type { Queryable } from '@shopwatch/platform';
import type { PaymentStatus } from '../domain/payment.ts';

export interface PaymentRecord {
  id: string;
  idempotencyKey: string;
  requestFingerprint: string;
  orderId: string | null;
  amountCents: number;
  currency: string;
  cardToken: string;
  status: PaymentStatus;
  failureReason: string | null;
  declineCode: string | null;
  pspAuthorizationId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  id: string;
  idempotency_key: string;
  request_fingerprint: string;
  order_id: string | null;
  amount_cents: string;
  currency: string;
  card_token: string;
  status: PaymentStatus;
  failure_reason: string | null;
  decline_code: string | null;
  psp_authorization_id: string | null;
  created_at: Date;
  updated_at: Date;
}

function fromRow(row: Row): PaymentRecord {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    requestFingerprint: row.request_fingerprint,
    orderId: row.order_id,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    cardToken: row.card_token,
    status: row.status,
    failureReason: row.failure_reason,
    declineCode: row.decline_code,
    pspAuthorizationId: row.psp_authorization_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewPayment {
  idempotencyKey: string;
  requestFingerprint: string;
  orderId: string | null;
  amountCents: number;
  currency: string;
  cardToken: string;
}

/** Inserts a pending payment for the key, or returns the one the key already has (`created: false`). */
export async function insertOrGetByKey(db: Queryable, payment: NewPayment, at: Date): Promise<{ payment: PaymentRecord; created: boolean }> {
  const inserted = await db.query<Row>(
    `INSERT INTO payments (idempotency_key, request_fingerprint, order_id, amount_cents, currency, card_token, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING *`,
    [payment.idempotencyKey, payment.requestFingerprint, payment.orderId, payment.amountCents, payment.currency, payment.cardToken, at],
  );
  const row = inserted.rows[0];
  if (row) {
    await db.query(`INSERT INTO payment_status_history (payment_id, status, reason, at) VALUES ($1, 'pending', NULL, $2)`, [row.id, at]);
    return { payment: fromRow(row), created: true };
  }
  const existing = await db.query<Row>('SELECT * FROM payments WHERE idempotency_key = $1', [payment.idempotencyKey]);
  if (!existing.rows[0]) throw new Error('payment vanished between insert and read');
  return { payment: fromRow(existing.rows[0]), created: false };
}

export async function getPayment(db: Queryable, id: string): Promise<PaymentRecord | undefined> {
  const { rows } = await db.query<Row>('SELECT * FROM payments WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** The payment a saga step for an order is about: the authorised, captured, voided or refunded one if any, else the newest. */
export async function findForOrder(db: Queryable, orderId: string): Promise<PaymentRecord | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM payments WHERE order_id = $1
     ORDER BY (status IN ('authorized', 'captured', 'voided', 'refunded')) DESC, created_at DESC LIMIT 1`,
    [orderId],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export interface StatusChange {
  status: PaymentStatus;
  reason?: string | null;
  declineCode?: string | null;
  pspAuthorizationId?: string | null;
}

/**
 * Moves the payment to `change.status` if it is in one of `from`; returns the updated record, or
 * undefined when it was not in those statuses (someone else moved it first).
 */
export async function changeStatus(db: Queryable, id: string, from: readonly PaymentStatus[], change: StatusChange, at: Date): Promise<PaymentRecord | undefined> {
  const { rows } = await db.query<Row>(
    `UPDATE payments SET status = $3, failure_reason = $4, decline_code = COALESCE($5, decline_code),
       psp_authorization_id = COALESCE($6, psp_authorization_id), updated_at = $7
     WHERE id = $1 AND status = ANY($2::text[])
     RETURNING *`,
    [id, from, change.status, change.reason ?? null, change.declineCode ?? null, change.pspAuthorizationId ?? null, at],
  );
  if (!rows[0]) return undefined;
  await db.query('INSERT INTO payment_status_history (payment_id, status, reason, at) VALUES ($1, $2, $3, $4)', [id, change.status, change.reason ?? null, at]);
  return fromRow(rows[0]);
}

export async function history(db: Queryable, id: string): Promise<{ status: string; reason: string | null; at: Date }[]> {
  const { rows } = await db.query<{ status: string; reason: string | null; at: Date }>(
    'SELECT status, reason, at FROM payment_status_history WHERE payment_id = $1 ORDER BY seq',
    [id],
  );
  return rows;
}
