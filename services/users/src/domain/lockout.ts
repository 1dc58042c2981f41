// Lockout policy: after `maxFailures` failed logins in a row an account is locked for
// `lockSeconds`. The state (count, locked-until) lives in PostgreSQL; these are the pure rules
// the repository's SQL and the route share, so they can be tested without a database.

export interface LockoutPolicy {
  maxFailures: number;
  lockSeconds: number;
}

export interface LockState {
  failedLogins: number;
  lockedUntil: Date | null;
}

/** Whole seconds until the lock ends (at least 1 while locked), or 0 when not locked. */
export function retryAfterSeconds(state: LockState, now: Date): number {
  if (state.lockedUntil && state.lockedUntil > now) return Math.max(1, Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 1000));
  return 0;
}

/** True when another attempt may be verified now. An expired lock counts from zero again. */
export function mayAttempt(state: LockState, now: Date, policy: LockoutPolicy): boolean {
  if (state.lockedUntil && state.lockedUntil > now) return false;
  if (state.lockedUntil && state.lockedUntil <= now) return true;
  return state.failedLogins < policy.maxFailures;
}

/** When the lock ends if this failure (the `failedLogins`-th in a row) locks the account. */
export function lockAfterFailure(failedLogins: number, now: Date, policy: LockoutPolicy): Date | null {
  return failedLogins >= policy.maxFailures ? new Date(now.getTime() + policy.lockSeconds * 1000) : null;
}
