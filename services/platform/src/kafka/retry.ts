// How a consumer treats a failing handler: pure policy, so it is unit-tested without Kafka.

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

/** Default: PermanentError is permanent, anything else (database down, timeouts) is transient. */
export function classifyError(error: unknown): ErrorClass {
  return error instanceof PermanentError ? 'permanent' : 'transient';
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
