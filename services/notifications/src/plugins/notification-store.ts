// SQL for notifications and the order → user map. Functions take a Queryable so callers choose the
// transaction.
import type { Queryable } from '@shopwatch/platform';
import type { Channel } from '../domain/channels.ts';

export type NotificationStatus = 'pending' | 'sent' | 'failed';
export const NOTIFICATION_STATUSES: readonly NotificationStatus[] = ['pending', 'sent', 'failed'];

export interface NotificationRecord {
  id: string;
  eventId: string;
  eventType: string;
  channel: Channel;
  template: string;
  message: string;
  orderId: string;
  userId: string | null;
  status: NotificationStatus;
  failureReason: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  sourceTopic: string;
  envelope: unknown;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

interface Row {
  id: string;
  event_id: string;
  event_type: string;
  channel: Channel;
  template: string;
  message: string;
  order_id: string;
  user_id: string | null;
  status: NotificationStatus;
  failure_reason: string | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  source_topic: string;
  envelope: unknown;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
}

function fromRow(row: Row): NotificationRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    channel: row.channel,
    template: row.template,
    message: row.message,
    orderId: row.order_id,
    userId: row.user_id,
    status: row.status,
    failureReason: row.failure_reason,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    sourceTopic: row.source_topic,
    envelope: row.envelope,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
  };
}

export interface NewNotification {
  eventId: string;
  eventType: string;
  channel: Channel;
  template: string;
  message: string;
  orderId: string;
  userId: string | null;
  sourceTopic: string;
  envelope: unknown;
  at: Date;
}

/** Inserts the notifications that do not exist yet (one per event and channel); returns how many were new. */
export async function insertNotifications(db: Queryable, rows: readonly NewNotification[]): Promise<number> {
  let inserted = 0;
  for (const n of rows) {
    const { rowCount } = await db.query(
      `INSERT INTO notifications (event_id, event_type, channel, template, message, order_id, user_id, status, next_attempt_at,
         source_topic, envelope, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $8, $8)
       ON CONFLICT (event_id, channel) DO NOTHING`,
      [n.eventId, n.eventType, n.channel, n.template, n.message, n.orderId, n.userId, n.at, n.sourceTopic, JSON.stringify(n.envelope)],
    );
    inserted += rowCount ?? 0;
  }
  return inserted;
}

/** Records the order's user; fills it into notifications that were waiting for it. Returns how many were waiting. */
export async function rememberRecipient(db: Queryable, orderId: string, userId: string, at: Date): Promise<number> {
  await db.query('INSERT INTO order_recipients (order_id, user_id, at) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO NOTHING', [orderId, userId, at]);
  const { rowCount } = await db.query("UPDATE notifications SET user_id = $2, updated_at = $3 WHERE order_id = $1 AND user_id IS NULL AND status = 'pending'", [orderId, userId, at]);
  return rowCount ?? 0;
}

export async function recipientOf(db: Queryable, orderId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ user_id: string }>('SELECT user_id FROM order_recipients WHERE order_id = $1', [orderId]);
  return rows[0]?.user_id;
}

/**
 * Claims up to `limit` due notifications: each gets its attempt counted and a lease (next_attempt_at
 * moved to `leaseUntil`), so another dispatcher skips it while it is being sent, and a crashed
 * sender's claim expires. SKIP LOCKED: replicas never wait for each other.
 */
export async function claimDue(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<NotificationRecord[]> {
  const { rows } = await db.query<Row>(
    `UPDATE notifications SET attempts = attempts + 1, next_attempt_at = $2, updated_at = $1
     WHERE id IN (
       SELECT id FROM notifications
       WHERE status = 'pending' AND user_id IS NOT NULL AND next_attempt_at <= $1
       ORDER BY next_attempt_at
       LIMIT $3
       FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [now, leaseUntil, limit],
  );
  return rows.map(fromRow);
}

export async function markSent(db: Queryable, id: string, attempts: number, at: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE notifications SET status = 'sent', sent_at = $3, next_attempt_at = NULL, last_error = NULL, updated_at = $3 WHERE id = $1 AND status = 'pending' AND attempts = $2",
    [id, attempts, at],
  );
  return (rowCount ?? 0) > 0;
}

export async function scheduleRetry(db: Queryable, id: string, attempts: number, error: string, due: Date, at: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE notifications SET next_attempt_at = $4, last_error = $3, updated_at = $5 WHERE id = $1 AND status = 'pending' AND attempts = $2",
    [id, attempts, error, due, at],
  );
  return (rowCount ?? 0) > 0;
}

/** Marks it failed; `deadLetter` leaves a dead-letter record to publish (see pendingDeadLetters). */
export async function markFailed(db: Queryable, id: string, attempts: number | undefined, reason: string, error: string | null, deadLetter: boolean, at: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE notifications SET status = 'failed', failure_reason = $3, last_error = COALESCE($4, last_error), next_attempt_at = NULL,
       dead_letter_pending = $5, updated_at = $6
     WHERE id = $1 AND status = 'pending' AND ($2::int IS NULL OR attempts = $2)`,
    [id, attempts ?? null, reason, error, deadLetter, at],
  );
  return (rowCount ?? 0) > 0;
}

/** Notifications still without a recipient that were created before `before`, locked. */
export async function claimOrphans(db: Queryable, before: Date, limit: number): Promise<NotificationRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM notifications WHERE user_id IS NULL AND status = 'pending' AND created_at < $1
     ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [before, limit],
  );
  return rows.map(fromRow);
}

/** Failed notifications whose dead-letter record is not published yet, locked. */
export async function claimPendingDeadLetters(db: Queryable, limit: number): Promise<NotificationRecord[]> {
  const { rows } = await db.query<Row>('SELECT * FROM notifications WHERE dead_letter_pending ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED', [limit]);
  return rows.map(fromRow);
}

export async function deadLetterPublished(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE notifications SET dead_letter_pending = false WHERE id = $1', [id]);
}

export interface ListFilter {
  userId?: string;
  status?: NotificationStatus;
  channel?: Channel;
  orderId?: string;
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listNotifications(db: Queryable, filter: ListFilter): Promise<NotificationRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM notifications
     WHERE ($1::text IS NULL OR user_id = $1)
       AND ($2::text IS NULL OR status = $2)
       AND ($3::text IS NULL OR channel = $3)
       AND ($4::text IS NULL OR order_id = $4)
       AND ($5::timestamptz IS NULL OR (created_at, id) < ($5::timestamptz, $6::uuid))
     ORDER BY created_at DESC, id DESC
     LIMIT $7`,
    [filter.userId ?? null, filter.status ?? null, filter.channel ?? null, filter.orderId ?? null, filter.after?.createdAt ?? null, filter.after?.id ?? null, filter.limit],
  );
  return rows.map(fromRow);
}

export async function pendingCounts(db: Queryable): Promise<Record<Channel, number>> {
  const { rows } = await db.query<{ channel: Channel; n: string }>("SELECT channel, count(*) AS n FROM notifications WHERE status = 'pending' GROUP BY channel");
  const counts: Record<Channel, number> = { email: 0, sms: 0, push: 0 };
  for (const row of rows) counts[row.channel] = Number(row.n);
  return counts;
}

/** Gives a claimed notification back untried (shutdown interrupted its attempt): due now, attempt not counted. */
export async function releaseClaim(db: Queryable, id: string, attempts: number, at: Date): Promise<void> {
  await db.query("UPDATE notifications SET attempts = attempts - 1, next_attempt_at = $3, updated_at = $3 WHERE id = $1 AND status = 'pending' AND attempts = $2", [id, attempts, at]);
}

/**
 * Serialises the handling of one order's events for the rest of the transaction. Order and
 * shipment facts come from different topics (so different partitions, handled in parallel): without
 * this, a shipment fact could miss the recipient an order event is committing at the same moment,
 * and the order event's update would not see the fact's uncommitted rows either.
 */
export async function lockOrder(db: Queryable, orderId: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('notifications:order'), hashtext($1))", [orderId]);
}
