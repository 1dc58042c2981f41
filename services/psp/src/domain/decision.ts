// How the simulated provider decides an authorisation. Test card tokens choose the outcome, so
// tests and demos can ask for a decline or a provider error without touching configuration; the
// faults file adds a random share of declines on top. Pure: randomness is passed in.

export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'expired_card' | 'do_not_honor';

export type Decision =
  | { kind: 'approve' }
  | { kind: 'decline'; code: DeclineCode }
  /** A provider-side failure (answered 5xx, nothing stored): the caller may retry. */
  | { kind: 'error' };

/** Tokens with a fixed outcome. Every other well-formed token is approved (unless the decline knob says otherwise). */
export const TEST_TOKENS = {
  tok_decline: 'card_declined',
  tok_insufficient_funds: 'insufficient_funds',
  tok_expired_card: 'expired_card',
} as const satisfies Record<string, DeclineCode>;

/** Always a provider error. */
export const ERROR_TOKEN = 'tok_error';
/** A provider error on the first attempt of each idempotency key (or request), approved on retry. */
export const FAIL_ONCE_TOKEN = 'tok_fail_once';

export interface DecisionInput {
  cardToken: string;
  /** 1 for the first attempt under an idempotency key, 2 for its first retry, ... */
  attempt: number;
  declineRate: number;
  random: () => number;
}

export function decide(input: DecisionInput): Decision {
  const { cardToken } = input;
  if (cardToken === ERROR_TOKEN) return { kind: 'error' };
  if (cardToken === FAIL_ONCE_TOKEN && input.attempt === 1) return { kind: 'error' };
  if (Object.hasOwn(TEST_TOKENS, cardToken)) return { kind: 'decline', code: TEST_TOKENS[cardToken as keyof typeof TEST_TOKENS] };
  if (input.declineRate > 0 && input.random() < input.declineRate) return { kind: 'decline', code: 'do_not_honor' };
  return { kind: 'approve' };
}

/** What makes two authorisation requests "the same" for an idempotency key. */
export function fingerprint(request: { amountCents: number; currency: string; cardToken: string; reference?: string | undefined }): string {
  return JSON.stringify([request.amountCents, request.currency, request.cardToken, request.reference ?? null]);
}

export type AuthorizationStatus = 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';
export type Operation = 'capture' | 'void' | 'refund';
export type ConflictCode = 'declined' | 'already_voided' | 'already_captured' | 'already_refunded' | 'not_captured';

const TARGET: Record<Operation, AuthorizationStatus> = { capture: 'captured', void: 'voided', refund: 'refunded' };
/** The one status each operation applies to: capture and void an authorisation, refund a capture. */
const FROM: Record<Operation, AuthorizationStatus> = { capture: 'authorized', void: 'authorized', refund: 'captured' };

/** The state an authorisation moves to for an operation, or why it cannot. Repeating a done operation is a no-op. */
export function transition(status: AuthorizationStatus, operation: Operation): { ok: true; next: AuthorizationStatus; changed: boolean } | { ok: false; code: ConflictCode } {
  const target = TARGET[operation];
  if (status === target) return { ok: true, next: status, changed: false };
  if (status === FROM[operation]) return { ok: true, next: target, changed: true };
  switch (status) {
    case 'declined':
      return { ok: false, code: 'declined' };
    case 'voided':
      return { ok: false, code: 'already_voided' };
    case 'refunded':
      return { ok: false, code: 'already_refunded' };
    case 'captured':
      return { ok: false, code: 'already_captured' };
    case 'authorized':
      // Only a refund gets here: nothing was taken yet, so there is nothing to give back.
      return { ok: false, code: 'not_captured' };
  }
}
