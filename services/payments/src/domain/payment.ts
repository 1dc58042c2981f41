// Payment rules, pure: which statuses exist, what an operation does in each, how a psp failure
// becomes a machine-readable reason, and how a reply gets an id derived from its command.
import { createHash } from 'node:crypto';
import { replyEventId as replyEventIdIn } from '@shopwatch/platform';

export type PaymentStatus = 'pending' | 'authorized' | 'declined' | 'failed' | 'captured' | 'voided' | 'refunded';

/** Failure reasons (lowercase snake words), shared by the HTTP problems and the saga replies. */
export type FailureReason =
  | 'declined'
  | 'psp_unavailable'
  | 'timeout'
  | 'invalid_amount'
  | 'unsupported_currency'
  | 'idempotency_conflict'
  | 'not_authorized'
  | 'payment_not_found'
  | 'already_captured'
  | 'not_captured';

/** How a call to psp failed: `unavailable` (unreachable, 5xx, breaker open) and `timeout` are transient; `rejected` is psp refusing the request. */
export type PspFailureKind = 'unavailable' | 'timeout' | 'rejected';

/** Failure reasons after which the same idempotency key tries psp again (nothing was decided). */
const RETRYABLE_FAILURES: ReadonlySet<string> = new Set(['psp_unavailable', 'timeout']);

/**
 * What an authorisation request finds under its idempotency key: a settled payment is answered as
 * it is (no second psp call, never a second charge); a pending one (another attempt crashed or is
 * in flight) or one that failed for a transient reason asks psp again under the same psp key, which
 * returns the original authorisation if there was one.
 */
export function needsPspAuthorization(status: PaymentStatus, failureReason: string | null): boolean {
  if (status === 'pending') return true;
  return status === 'failed' && failureReason !== null && RETRYABLE_FAILURES.has(failureReason);
}

/**
 * Whether a saga authorise command whose psp call just failed for `failureReason` should be retried
 * (the consumer holds it and tries psp again with backoff) rather than answered as failed. A psp
 * outage shorter than the grace, counted from the command's own time, delays orders and cancels
 * none; after it, the command is answered `psp_unavailable`/`timeout` and the saga cancels.
 * Declines and other answers psp gave are never waited out.
 */
export function waitOutPspOutage(failureReason: string | null, commandTime: string, now: Date, graceMs: number): boolean {
  if (failureReason === null || !RETRYABLE_FAILURES.has(failureReason)) return false;
  const sent = Date.parse(commandTime);
  if (Number.isNaN(sent)) return false;
  return now.getTime() - sent < graceMs;
}

export type StepDecision = { action: 'call-psp' } | { action: 'done' } | { action: 'refuse'; reason: FailureReason } | { action: 'settle-locally' };

/**
 * Refund gives a captured payment's money back; a repeat is a no-op; a payment that was never
 * captured has nothing to give back and is refused (`not_captured`: void it instead).
 */
export function refundDecision(status: PaymentStatus): StepDecision {
  if (status === 'refunded') return { action: 'done' };
  if (status === 'captured') return { action: 'call-psp' };
  return { action: 'refuse', reason: 'not_captured' };
}

/** Capture moves an authorised payment to captured; a repeat is a no-op; anything else is refused. */
export function captureDecision(status: PaymentStatus): StepDecision {
  if (status === 'captured') return { action: 'done' };
  if (status === 'authorized') return { action: 'call-psp' };
  return { action: 'refuse', reason: 'not_authorized' };
}

/**
 * Void releases an authorisation. A payment that never got one (pending or failed) is marked voided
 * without calling psp, so a late retry of its key cannot authorise it any more; a declined one holds
 * nothing and stays declined; a captured one cannot be voided (that would be a refund).
 */
export function voidDecision(status: PaymentStatus): StepDecision {
  switch (status) {
    // Refunded: the money went back already; nothing is held, which is all a void asks for.
    case 'voided':
    case 'declined':
    case 'refunded':
      return { action: 'done' };
    case 'authorized':
      return { action: 'call-psp' };
    case 'pending':
    case 'failed':
      return { action: 'settle-locally' };
    case 'captured':
      return { action: 'refuse', reason: 'already_captured' };
  }
}

/** The reason a psp failure is reported with. psp's own `code` (problem extension) decides for rejections. */
export function failureReason(kind: PspFailureKind, pspCode?: string): FailureReason {
  if (kind === 'timeout') return 'timeout';
  if (kind === 'unavailable') return 'psp_unavailable';
  if (pspCode === 'unsupported_currency') return 'unsupported_currency';
  if (pspCode === 'already_captured') return 'already_captured';
  if (pspCode === 'not_captured') return 'not_captured';
  if (pspCode === 'invalid_amount') return 'invalid_amount';
  return 'not_authorized';
}

/** What makes two authorisation requests under one idempotency key the same request. */
export function requestFingerprint(request: { amountCents: number; currency: string; cardToken: string; orderId?: string | undefined }): string {
  return createHash('sha256')
    .update(JSON.stringify([request.amountCents, request.currency, request.cardToken, request.orderId ?? null]))
    .digest('hex');
}

/** Payments' namespace for name-based ids (a fixed random UUID). */
export const PAYMENTS_NAMESPACE = 'd304efec-539e-4f90-bc2a-e24089851324';

/**
 * The id of the reply to a command (the platform's name-based UUID in payments' namespace), so
 * answering the same command again produces the same event and downstream inboxes drop the copy.
 */
export function replyEventId(commandId: string): string {
  return replyEventIdIn(PAYMENTS_NAMESPACE, commandId);
}

/** Currencies used as metric label values; anything else is counted as `other` (labels stay bounded). */
export const LABELLED_CURRENCIES: ReadonlySet<string> = new Set(['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK']);
export function currencyLabel(currency: string): string {
  return LABELLED_CURRENCIES.has(currency) ? currency : 'other';
}
