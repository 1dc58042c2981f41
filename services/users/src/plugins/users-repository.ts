// PostgreSQL access for users. Plain SQL with parameters only. The password hash is read by
// exactly one function (for verification) and never by a query whose rows become a response.
import type { Queryable } from '@shopwatch/platform';
import type { LockoutPolicy } from '../domain/lockout.ts';
import type { User } from '../schemas/user.ts';

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: 'customer' | 'admin';
  created_at: Date;
  updated_at: Date;
}

const USER_COLUMNS = 'id, email, display_name, role, created_at, updated_at';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface NewUser {
  email: string;
  displayName: string;
  passwordHash: string;
  role: 'customer' | 'admin';
}

/** Inserts an account; a duplicate e-mail surfaces as the unique violation (SQLSTATE 23505). */
export async function createUser(db: Queryable, input: NewUser, now: Date): Promise<User> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (email, display_name, password_hash, role, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING ${USER_COLUMNS}`,
    [input.email, input.displayName, input.passwordHash, input.role, now],
  );
  return toUser(rows[0]!);
}

export async function getUser(db: Queryable, id: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function updateDisplayName(db: Queryable, id: string, displayName: string, now: Date): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(
    `UPDATE users SET display_name = $2, updated_at = $3 WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [id, displayName, now],
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

export type AttemptReservation =
  | { kind: 'reserved'; user: User; passwordHash: string }
  | { kind: 'locked'; lockedUntil: Date | null }
  | { kind: 'unknown' };

/**
 * Reserves one login attempt before the password is verified: the failure counter goes up first
 * and is reset only by a success. So at most `maxFailures` verifications run per lock period even
 * when an attacker sends them in parallel (each reservation is one atomic row update). An expired
 * lock starts the count afresh.
 */
export async function reserveLoginAttempt(db: Queryable, email: string, now: Date, policy: LockoutPolicy): Promise<AttemptReservation> {
  const { rows } = await db.query<UserRow & { password_hash: string }>(
    `UPDATE users
        SET failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN 1 ELSE failed_logins + 1 END,
            locked_until  = CASE WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN NULL ELSE locked_until END
      WHERE email = $1
        AND ((locked_until IS NOT NULL AND locked_until <= $2) OR (locked_until IS NULL AND failed_logins < $3))
      RETURNING ${USER_COLUMNS}, password_hash`,
    [email, now, policy.maxFailures],
  );
  const row = rows[0];
  if (row) return { kind: 'reserved', user: toUser(row), passwordHash: row.password_hash };
  const state = await db.query<{ locked_until: Date | null }>('SELECT locked_until FROM users WHERE email = $1', [email]);
  if (!state.rows[0]) return { kind: 'unknown' };
  return { kind: 'locked', lockedUntil: state.rows[0].locked_until };
}

/** A failed attempt (already counted): locks the account if it reached the limit. Returns the lock end. */
export async function recordLoginFailure(db: Queryable, id: string, now: Date, policy: LockoutPolicy): Promise<Date | null> {
  const { rows } = await db.query<{ locked_until: Date | null }>(
    `UPDATE users
        SET locked_until = CASE WHEN failed_logins >= $3 AND locked_until IS NULL THEN $2::timestamptz + make_interval(secs => $4) ELSE locked_until END
      WHERE id = $1 RETURNING locked_until`,
    [id, now, policy.maxFailures, policy.lockSeconds],
  );
  return rows[0]?.locked_until ?? null;
}

/**
 * A successful login: clears the failure count, records the session (one row per issued token)
 * and prunes a few expired sessions, so the table stays the size of the active ones.
 */
export async function recordLoginSuccess(db: Queryable, id: string, now: Date, expiresAt: Date, newHash?: string): Promise<void> {
  await db.query(
    `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $2,
       password_hash = COALESCE($3, password_hash) WHERE id = $1`,
    [id, now, newHash ?? null],
  );
  await db.query('INSERT INTO sessions (user_id, issued_at, expires_at) VALUES ($1, $2, $3)', [id, now, expiresAt]);
  await db.query('DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= $1 LIMIT 100)', [now]);
}

export async function countActiveSessions(db: Queryable, now: Date): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM sessions WHERE expires_at > $1', [now]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Makes `email` an admin with this password hash: creates the account, or promotes an existing
 * one and sets its password (configuration is the source of truth for the admin's password).
 */
export async function upsertAdmin(db: Queryable, email: string, displayName: string, passwordHash: string, now: Date): Promise<{ id: string; created: boolean }> {
  const { rows } = await db.query<{ id: string; created: boolean }>(
    `INSERT INTO users (email, display_name, password_hash, role, created_at, updated_at)
     VALUES ($1, $2, $3, 'admin', $4, $4)
     ON CONFLICT (email) DO UPDATE SET role = 'admin', password_hash = EXCLUDED.password_hash,
       failed_logins = 0, locked_until = NULL, updated_at = EXCLUDED.updated_at
     RETURNING id, (xmax = 0) AS created`,
    [email, displayName, passwordHash, now],
  );
  return rows[0]!;
}

/** The stored hash of an account by e-mail (for the admin command to skip re-hashing an unchanged password). */
export async function passwordHashOf(db: Queryable, email: string): Promise<{ hash: string; role: string } | undefined> {
  const { rows } = await db.query<{ password_hash: string; role: string }>('SELECT password_hash, role FROM users WHERE email = $1', [email]);
  return rows[0] ? { hash: rows[0].password_hash, role: rows[0].role } : undefined;
}
