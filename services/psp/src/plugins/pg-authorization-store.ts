// psp's ledger in PostgreSQL: one transaction per request. Requests under one Idempotency-Key (or
// identical requests without one) are serialised by a transaction-scoped advisory lock on the key,
// so a concurrent repeat — on this replica or another — waits for the first and replays its answer.
// Capture, void and refund lock the row (FOR UPDATE), so racing operations end in one state.
import { withTransaction, type Pool, type Queryable } from '@shopwatch/platform';
import { fingerprint, transition, type AuthorizationStatus, type Operation } from '../domain/decision.ts';
import type { Authorization, AuthorizationRequest } from '../schemas/authorization.ts';
import { attemptKey, newAuthorization, type AuthorizationStore, type AuthorizeResult, type ChangeResult, type Decide } from './authorization-store.ts';

interface AuthorizationRow {
  id: string;
  status: AuthorizationStatus;
  amount_cents: string;
  currency: string;
  decline_code: string | null;
  reference: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, status, amount_cents, currency, decline_code, reference, created_at, updated_at';

function toAuthorization(row: AuthorizationRow): Authorization {
  return {
    id: row.id,
    status: row.status,
    // bigint arrives as a string; amounts are bounded by the schema far below 2^53.
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    declineCode: row.decline_code,
    reference: row.reference,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface SweepResult {
  authorizations: number;
  attempts: number;
}

export class PgAuthorizationStore implements AuthorizationStore {
  readonly #pool: Pool;
  readonly #now: () => Date;

  constructor(pool: Pool, options: { now?: () => Date } = {}) {
    this.#pool = pool;
    this.#now = options.now ?? (() => new Date());
  }

  async find(id: string): Promise<Authorization | undefined> {
    const { rows } = await this.#pool.query<AuthorizationRow>(`SELECT ${COLUMNS} FROM psp_authorizations WHERE id = $1`, [id]);
    return rows[0] ? toAuthorization(rows[0]) : undefined;
  }

  /** Every authorisation made with this merchant reference, oldest first. */
  async withReference(reference: string): Promise<Authorization[]> {
    const { rows } = await this.#pool.query<AuthorizationRow>(
      `SELECT ${COLUMNS} FROM psp_authorizations WHERE reference = $1 ORDER BY created_at, id`,
      [reference],
    );
    return rows.map(toAuthorization);
  }

  async count(): Promise<number> {
    const { rows } = await this.#pool.query<{ n: string }>('SELECT count(*) AS n FROM psp_authorizations');
    return Number(rows[0]?.n ?? 0);
  }

  authorize(request: AuthorizationRequest, key: string | undefined, decide: Decide): Promise<AuthorizeResult> {
    const print = fingerprint(request);
    const counted = attemptKey(request, key);
    return withTransaction(this.#pool, async (client) => {
      // 'psp:' keeps the lock space apart from other users of advisory locks in a shared database.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`psp:${counted}`]);
      if (key !== undefined) {
        const { rows } = await client.query<AuthorizationRow & { fingerprint: string }>(
          `SELECT k.fingerprint, a.id, a.status, a.amount_cents, a.currency, a.decline_code, a.reference, a.created_at, a.updated_at
             FROM psp_idempotency_keys k JOIN psp_authorizations a ON a.id = k.authorization_id
            WHERE k.key = $1`,
          [key],
        );
        const existing = rows[0];
        if (existing) {
          if (existing.fingerprint !== print) return { kind: 'key-conflict' };
          return { kind: 'replayed', authorization: toAuthorization(existing) };
        }
      }
      const now = this.#now();
      const { rows: attempts } = await client.query<{ attempts: number }>(
        `INSERT INTO psp_authorization_attempts (attempt_key, attempts, updated_at) VALUES ($1, 1, $2)
         ON CONFLICT (attempt_key) DO UPDATE SET attempts = psp_authorization_attempts.attempts + 1, updated_at = EXCLUDED.updated_at
         RETURNING attempts`,
        [counted, now],
      );
      const decision = await decide(attempts[0]!.attempts);
      // A provider error commits only the attempt count (the fail-once token's retry is approved).
      if (decision.kind === 'error') return { kind: 'error' };
      const authorization = newAuthorization(request, decision.kind === 'decline' ? decision.code : null, now);
      await insertAuthorization(client, authorization);
      if (key !== undefined) {
        await client.query('INSERT INTO psp_idempotency_keys (key, fingerprint, authorization_id, created_at) VALUES ($1, $2, $3, $4)', [
          key,
          print,
          authorization.id,
          now,
        ]);
      }
      return { kind: 'created', authorization };
    });
  }

  change(id: string, operation: Operation): Promise<ChangeResult> {
    return withTransaction(this.#pool, async (client) => {
      const { rows } = await client.query<AuthorizationRow>(`SELECT ${COLUMNS} FROM psp_authorizations WHERE id = $1 FOR UPDATE`, [id]);
      if (!rows[0]) return { kind: 'missing' };
      const current = toAuthorization(rows[0]);
      const step = transition(current.status, operation);
      if (!step.ok) return { kind: 'conflict', code: step.code, authorization: current };
      if (!step.changed) return { kind: 'ok', authorization: current, changed: false };
      const { rows: updated } = await client.query<AuthorizationRow>(
        `UPDATE psp_authorizations SET status = $2, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, step.next, this.#now()],
      );
      return { kind: 'ok', authorization: toAuthorization(updated[0]!), changed: true };
    });
  }

  /**
   * Forgets authorisations (with their keys) and attempt counts older than `retentionHours`, in
   * batches so one sweep never holds a long lock. A merchant settles within days; a month is plenty.
   */
  async sweep(retentionHours: number, batchSize = 5_000): Promise<SweepResult> {
    const cutoff = new Date(this.#now().getTime() - retentionHours * 3_600_000);
    const result: SweepResult = { authorizations: 0, attempts: 0 };
    for (;;) {
      const { rowCount } = await this.#pool.query(
        `DELETE FROM psp_authorizations WHERE id IN (
           SELECT id FROM psp_authorizations WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [cutoff, batchSize],
      );
      result.authorizations += rowCount ?? 0;
      if ((rowCount ?? 0) < batchSize) break;
    }
    const { rowCount } = await this.#pool.query('DELETE FROM psp_authorization_attempts WHERE updated_at < $1', [cutoff]);
    result.attempts = rowCount ?? 0;
    return result;
  }
}

async function insertAuthorization(db: Queryable, authorization: Authorization): Promise<void> {
  await db.query(
    `INSERT INTO psp_authorizations (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      authorization.id,
      authorization.status,
      authorization.amountCents,
      authorization.currency,
      authorization.declineCode,
      authorization.reference,
      authorization.createdAt,
      authorization.updatedAt,
    ],
  );
}
