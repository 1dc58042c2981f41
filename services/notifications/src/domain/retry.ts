// What happens after a delivery attempt, pure: sent, try again later (exponential backoff with
// jitter, persisted as next_attempt_at so retries never hold the consumer), or give up and
// dead-letter after the last allowed attempt.
export interface RetrySettings {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export type AttemptDecision = { action: 'sent' } | { action: 'retry'; delayMs: number } | { action: 'dead-letter' };

/** Delay before retry number `retry` (1 = the first retry): doubling, capped, "equal jitter". */
export function retryDelay(retry: number, settings: RetrySettings, random: number): number {
  const exponential = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential / 2 + random * (exponential / 2));
}

/** `attempts` counts the attempt just made (1 after the first). */
export function afterAttempt(ok: boolean, attempts: number, settings: RetrySettings, random: number): AttemptDecision {
  if (ok) return { action: 'sent' };
  if (attempts >= settings.maxAttempts) return { action: 'dead-letter' };
  return { action: 'retry', delayMs: retryDelay(attempts, settings, random) };
}
