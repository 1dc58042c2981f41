// How a consumer treats a failing handler: pure policy, so it is unit-tested without Kafka. One
// classifier for every consumer of the shop: a message that can never succeed is dead-lettered
// with the reason (it must not hold its partition, and every later message on it, forever);
// anything else is an outage of something we depend on and is retried with backoff until it heals.

/**
 * Throw this (or wrap a cause in it) from a handler when the message can never succeed, e.g. it
 * refers to something that does not exist. The message is dead-lettered at once, not retried.
 */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

export type ErrorClass = 'permanent' | 'transient';

/**
 * Permanent: a PermanentError anywhere in the error's cause chain (a handler may wrap it), or a
 * PostgreSQL error of SQLSTATE class 22 (data exception: a value out of range, too long, a NUL
 * in text) or 23 (integrity constraint violation) — the same message hits it again on every retry.
 * Transient: everything else — the database or a broker unreachable, deadlocks and serialization
 * failures (class 40), timeouts, a concurrent handler of the same aggregate.
 */
export function classifyError(error: unknown): ErrorClass {
  for (const link of causeChain(error)) {
    if (link instanceof PermanentError) return 'permanent';
    const state = sqlStateOf(link);
    if (state !== undefined && (state.startsWith('22') || state.startsWith('23'))) return 'permanent';
  }
  return 'transient';
}

/** What a dead letter says about the error: name, message and the SQLSTATE when the database refused. */
export function describeError(error: unknown): string {
  const base = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  for (const link of causeChain(error)) {
    const state = sqlStateOf(link);
    if (state !== undefined) return `${base} (SQLSTATE ${state})`;
  }
  return base;
}

/** The error, its `cause`, the cause's cause, ... (bounded, cycle-safe). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && chain.length < 16) {
    chain.push(current);
    seen.add(current);
    current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
  }
  return chain;
}

/**
 * A PostgreSQL SQLSTATE (five digits or capital letters, e.g. `23505`) on a server error. Node's
 * own error codes (`ECONNREFUSED`, `ERR_…`) never start with a digit, so they never match.
 */
function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' && /^[0-9][0-9A-Z]{4}$/.test(code) ? code : undefined;
}

export interface RetryPolicy {
  /** Delay before the first retry (ms). */
  initialDelayMs: number;
  /** Upper bound of any delay (ms). */
  maxDelayMs: number;
  /**
   * Attempts before a transient failure is dead-lettered as `retries-exhausted`. Infinity (the
   * default) keeps retrying, holding the partition: right for outages of our own dependencies,
   * where dead-lettering everything would only move the problem.
   */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 30_000, maxAttempts: Infinity };

/**
 * Delay before retry number `attempt` (1 = first retry): exponential, capped, with "equal jitter"
 * (half fixed, half random) so a fleet of consumers does not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
