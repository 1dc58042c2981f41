// Authorise, capture and void: the payment record in PostgreSQL on both sides of the psp call.
// No database transaction is held open while psp is called:
//   1. record the intent (a pending payment under its idempotency key) and commit;
//   2. call psp (breaker, retries, the payment id as psp's Idempotency-Key);
//   3. settle in a final transaction, where the caller may add its own writes (the saga reply and
//      the inbox record go there, so the reply exists if and only if the settlement committed).
// A crash between 1 and 3 leaves a pending payment; the next request with the key asks psp again
// under the same psp key and gets the original authorisation back: never a second charge.
import { withTransaction, type Pool, type PoolClient } from '@shopwatch/platform';
import {
  captureDecision,
  currencyLabel,
  failureReason,
  needsPspAuthorization,
  refundDecision,
  requestFingerprint,
  voidDecision,
  type FailureReason,
  type PaymentStatus,
} from '../domain/payment.ts';
import type { PaymentsMetrics } from './payments-metrics.ts';
import * as repo from './payments-repository.ts';
import type { PaymentRecord, StatusChange } from './payments-repository.ts';
import { PspFailure, type PspAuthorization, type PspClient } from './psp-client.ts';

export type AuthorizeResult =
  /** The payment under the key as it now stands (authorised, declined or failed with a reason); `replayed` when the key had settled before. */
  | { kind: 'payment'; payment: PaymentRecord; replayed: boolean }
  /** The key was first used for a different request. */
  | { kind: 'conflict'; payment: PaymentRecord };

export type StepResult =
  | { kind: 'payment'; payment: PaymentRecord; changed: boolean }
  | { kind: 'not-found' }
  /** The payment is in a state the step cannot apply to. */
  | { kind: 'refused'; reason: FailureReason; payment: PaymentRecord }
  /** psp could not be reached in time; nothing changed, the step may be retried. */
  | { kind: 'failed'; reason: FailureReason; payment: PaymentRecord };

/**
 * How the final transaction runs. The default is a plain transaction; the saga consumer runs it
 * through the inbox (`undefined` = the command was handled before, nothing ran) and adds its reply.
 */
export interface Finishing<R> {
  transaction?: <T>(work: (client: PoolClient) => Promise<T>) => Promise<{ value: T } | undefined>;
  onResult?: (client: PoolClient, result: R) => Promise<void>;
}

export interface AuthorizeInput {
  idempotencyKey: string;
  amountCents: number;
  currency: string;
  cardToken?: string | undefined;
  orderId?: string | undefined;
}

export type PaymentRef = { id: string } | { orderId: string };

export interface PaymentServiceDeps {
  pool: Pool;
  psp: PspClient;
  metrics: PaymentsMetrics;
  now: () => Date;
  defaultCardToken: string;
}

export class PaymentService {
  readonly #deps: PaymentServiceDeps;

  constructor(deps: PaymentServiceDeps) {
    this.#deps = deps;
  }

  async authorize(input: AuthorizeInput, finishing: Finishing<AuthorizeResult> = {}): Promise<AuthorizeResult | undefined> {
    const { pool, now } = this.#deps;
    const cardToken = input.cardToken ?? this.#deps.defaultCardToken;
    const fingerprint = requestFingerprint({ ...input, cardToken });
    const { payment } = await withTransaction(pool, (client) =>
      repo.insertOrGetByKey(client, { idempotencyKey: input.idempotencyKey, requestFingerprint: fingerprint, orderId: input.orderId ?? null, amountCents: input.amountCents, currency: input.currency, cardToken }, now()),
    );
    if (payment.requestFingerprint !== fingerprint) {
      this.#count('authorize', 'idempotency_conflict');
      return this.#finish(finishing, async () => ({ kind: 'conflict', payment }));
    }
    if (!needsPspAuthorization(payment.status, payment.failureReason)) {
      this.#count('authorize', 'replayed');
      return this.#finish(finishing, async () => ({ kind: 'payment', payment, replayed: true }));
    }
    const change = await this.#authorizeAtPsp(payment);
    return this.#finish(finishing, async (client) => {
      const settled = (await repo.changeStatus(client, payment.id, ['pending', 'failed'], change, now())) ?? (await repo.getPayment(client, payment.id));
      if (!settled) throw new Error(`payment ${payment.id} vanished`);
      return { kind: 'payment', payment: settled, replayed: false };
    }, () => {
      const outcome = change.status === 'failed' ? (change.reason ?? 'failed') : change.status;
      this.#count('authorize', outcome);
      this.#deps.metrics.amountCents.inc({ currency: currencyLabel(payment.currency), outcome: change.status }, payment.amountCents);
    });
  }

  async capture(ref: PaymentRef, finishing: Finishing<StepResult> = {}): Promise<StepResult | undefined> {
    return this.#step('capture', ref, finishing);
  }

  async void(ref: PaymentRef, finishing: Finishing<StepResult> = {}): Promise<StepResult | undefined> {
    return this.#step('void', ref, finishing);
  }

  /** Gives a captured payment's money back (the saga's compensation after the pivot; operators). */
  async refund(ref: PaymentRef, finishing: Finishing<StepResult> = {}): Promise<StepResult | undefined> {
    return this.#step('refund', ref, finishing);
  }

  async get(id: string): Promise<{ payment: PaymentRecord; history: Awaited<ReturnType<typeof repo.history>> } | undefined> {
    const payment = await repo.getPayment(this.#deps.pool, id);
    if (!payment) return undefined;
    return { payment, history: await repo.history(this.#deps.pool, id) };
  }

  async #authorizeAtPsp(payment: PaymentRecord): Promise<StatusChange> {
    try {
      const auth = await this.#deps.psp.authorize(
        { amountCents: payment.amountCents, currency: payment.currency, cardToken: payment.cardToken, ...(payment.orderId ? { reference: payment.orderId } : {}) },
        // One psp key per payment: every retry of this payment, in any process, is the same psp request.
        `payment-${payment.id}`,
      );
      return fromPsp(auth);
    } catch (error) {
      if (!(error instanceof PspFailure)) throw error;
      return { status: 'failed', reason: failureReason(error.kind, error.code) };
    }
  }

  async #step(operation: StepOperation, ref: PaymentRef, finishing: Finishing<StepResult>): Promise<StepResult | undefined> {
    const { pool } = this.#deps;
    const payment = 'id' in ref ? await repo.getPayment(pool, ref.id) : await repo.findForOrder(pool, ref.orderId);
    if (!payment) {
      this.#count(operation, 'payment_not_found');
      return this.#finish(finishing, async () => ({ kind: 'not-found' }));
    }
    const decision = DECISIONS[operation](payment.status);
    const target = TARGETS[operation];
    switch (decision.action) {
      case 'done':
        this.#count(operation, 'replayed');
        return this.#finish(finishing, async () => ({ kind: 'payment', payment, changed: false }));
      case 'refuse':
        this.#count(operation, decision.reason);
        return this.#finish(finishing, async () => ({ kind: 'refused', reason: decision.reason, payment }));
      case 'settle-locally':
        return this.#settle(operation, payment, payment.status, { status: target, reason: 'no_authorization' }, finishing);
      case 'call-psp':
        break;
    }
    let change: StatusChange;
    try {
      const pspId = payment.pspAuthorizationId ?? '';
      const auth = await this.#deps.psp[operation](pspId);
      change = fromPsp(auth);
    } catch (error) {
      if (!(error instanceof PspFailure)) throw error;
      if (error.kind !== 'rejected') {
        const reason = failureReason(error.kind);
        this.#count(operation, reason);
        return this.#finish(finishing, async () => ({ kind: 'failed', reason, payment }));
      }
      // psp no longer knows the authorisation (a sandbox restart): for a void the hold is gone anyway.
      if (operation === 'void' && error.status === 404) {
        change = { status: 'voided', reason: 'psp_authorization_gone' };
      } else {
        const reason = failureReason('rejected', error.code);
        this.#count(operation, reason);
        return this.#finish(finishing, async () => ({ kind: 'refused', reason, payment }));
      }
    }
    if (change.status !== target) {
      // psp holds a different final state than ours (e.g. voided elsewhere): report, do not guess.
      const reason: FailureReason = operation === 'refund' ? 'not_captured' : change.status === 'captured' ? 'already_captured' : 'not_authorized';
      this.#count(operation, reason);
      return this.#finish(finishing, async () => ({ kind: 'refused', reason, payment }));
    }
    return this.#settle(operation, payment, operation === 'refund' ? 'captured' : 'authorized', { status: target, reason: change.reason ?? null }, finishing);
  }

  async #settle(operation: StepOperation, payment: PaymentRecord, from: PaymentStatus, change: StatusChange, finishing: Finishing<StepResult>): Promise<StepResult | undefined> {
    return this.#finish(finishing, async (client) => {
      const moved = await repo.changeStatus(client, payment.id, [from], change, this.#deps.now());
      const current = moved ?? (await repo.getPayment(client, payment.id));
      if (!current) throw new Error(`payment ${payment.id} vanished`);
      return { kind: 'payment', payment: current, changed: moved !== undefined };
    }, (result) => {
      if (result.kind !== 'payment' || !result.changed) return;
      this.#count(operation, change.status);
      this.#deps.metrics.amountCents.inc({ currency: currencyLabel(payment.currency), outcome: change.status }, payment.amountCents);
    });
  }

  /** Runs `work` and the caller's extra writes in the final transaction; metrics only after it committed. */
  async #finish<R>(finishing: Finishing<R>, work: (client: PoolClient) => Promise<R>, committed?: (result: R) => void): Promise<R | undefined> {
    const run = finishing.transaction ?? (async <T>(fn: (client: PoolClient) => Promise<T>) => ({ value: await withTransaction(this.#deps.pool, fn) }));
    const outcome = await run(async (client) => {
      const result = await work(client);
      await finishing.onResult?.(client, result);
      return result;
    });
    if (outcome === undefined) return undefined;
    committed?.(outcome.value);
    return outcome.value;
  }

  #count(operation: string, outcome: string): void {
    this.#deps.metrics.outcomes.inc({ operation, outcome });
  }
}

type StepOperation = 'capture' | 'void' | 'refund';
const DECISIONS = { capture: captureDecision, void: voidDecision, refund: refundDecision } as const;
const TARGETS: Record<StepOperation, PaymentStatus> = { capture: 'captured', void: 'voided', refund: 'refunded' };

function fromPsp(auth: PspAuthorization): StatusChange {
  if (auth.status === 'declined') return { status: 'declined', reason: 'declined', declineCode: auth.declineCode, pspAuthorizationId: auth.id };
  return { status: auth.status, reason: null, pspAuthorizationId: auth.id };
}
