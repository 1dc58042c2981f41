// The saga participant: handles payments commands from orders and answers each through the outbox.
// Each command runs its final transaction through the inbox (`handleOnce`), so a redelivered
// command has no second effect, and its reply is written in that same transaction with an id
// derived from the command id, so even a reply sent twice is one event downstream.
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { enqueue, handleOnce, PermanentError, type EventHandler, type InboxMetrics, type Pool, type PoolClient } from '@shopwatch/platform';
import { replyEventId, waitOutPspOutage } from '../domain/payment.ts';
import type { AuthorizeResult, Finishing, PaymentService, StepResult } from './payment-service.ts';

const SOURCE = '/services/payments';

export interface CommandHandlerOptions {
  pool: Pool;
  service: PaymentService;
  consumerGroup: string;
  now: () => Date;
  /** Replies' topic (EVENTS_TOPIC); the registry's (`shop.payments.events.v1`) when not given. */
  repliesTopic?: string;
  inboxMetrics?: InboxMetrics;
  /**
   * How long after a command was sent a psp outage is waited out (the command retried) before an
   * authorise is answered `psp_unavailable`. Keep it below orders' SAGA_STEP_BUDGET_MS.
   */
  pspOutageGraceMs: number;
}

/** psp is unreachable and the authorise command is young enough to wait: the consumer retries it. */
export class PspOutageError extends Error {
  constructor(reason: string) {
    super(`authorisation not decided by psp (${reason}); will retry within the outage grace`);
    this.name = 'PspOutageError';
  }
}

/** A void or refund that could not reach psp must still happen: the consumer retries it with backoff. */
export class VoidPendingError extends Error {
  constructor(reason: string, operation: 'void' | 'refund' = 'void') {
    super(`${operation} not confirmed by psp (${reason}); will retry`);
    this.name = 'VoidPendingError';
  }
}

export function createCommandHandler(options: CommandHandlerOptions): EventHandler {
  const { pool, service, consumerGroup, now } = options;
  const enqueueOptions = options.repliesTopic ? { topic: options.repliesTopic } : {};

  async function alreadyHandled(eventId: string): Promise<boolean> {
    const { rowCount } = await pool.query('SELECT 1 FROM inbox WHERE consumer_group = $1 AND event_id = $2', [consumerGroup, eventId]);
    return (rowCount ?? 0) > 0;
  }

  function finishing<R>(command: ShopEvent, reply: (result: R) => ShopEvent): Finishing<R> {
    return {
      transaction: async (work) => {
        const outcome = await handleOnce(pool, consumerGroup, command, work, options.inboxMetrics);
        return outcome.status === 'handled' ? { value: outcome.result } : undefined;
      },
      onResult: async (client: PoolClient, result: R) => {
        await enqueue(client, reply(result), enqueueOptions);
      },
    };
  }

  const meta = (command: ShopEvent) => ({ source: SOURCE, now, id: replyEventId(command.id) });

  return async (event) => {
    // Cheap early exit for a redelivery, before any psp call; handleOnce is the real guard.
    if (await alreadyHandled(event.id)) {
      options.inboxMetrics?.duplicates.inc({ consumer_group: consumerGroup });
      return;
    }
    switch (event.type) {
      case 'shop.payments.payment.authorize': {
        const { data } = event;
        await service.authorize(
          data,
          finishing<AuthorizeResult>(event, (result) => {
            const commandId = event.id;
            if (result.kind === 'conflict') {
              return makeEvent('shop.payments.payment.authorization-failed', data.orderId, { orderId: data.orderId, commandId, reason: 'idempotency_conflict', detail: 'The idempotency key was used for a different payment.' }, meta(event));
            }
            const { payment } = result;
            // Rolling back (inbox record and the failed status included) makes the consumer retry;
            // the payment stays pending, so the retry asks psp again under the same psp key.
            if (payment.status === 'failed' && waitOutPspOutage(payment.failureReason, event.time, now(), options.pspOutageGraceMs)) {
              throw new PspOutageError(payment.failureReason ?? 'psp_unavailable');
            }
            if (payment.status === 'authorized' || payment.status === 'captured') {
              return makeEvent('shop.payments.payment.authorized', data.orderId, { orderId: data.orderId, commandId, paymentId: payment.id, amountCents: payment.amountCents, currency: payment.currency }, meta(event));
            }
            const reason = payment.status === 'voided' ? 'voided' : (payment.failureReason ?? 'declined');
            return makeEvent('shop.payments.payment.authorization-failed', data.orderId, { orderId: data.orderId, commandId, reason, paymentId: payment.id }, meta(event));
          }),
        );
        return;
      }
      case 'shop.payments.payment.capture': {
        const { data } = event;
        await service.capture(
          { orderId: data.orderId },
          finishing<StepResult>(event, (result) => {
            const commandId = event.id;
            if (result.kind === 'payment') {
              const { payment } = result;
              return makeEvent('shop.payments.payment.captured', data.orderId, { orderId: data.orderId, commandId, paymentId: payment.id, amountCents: payment.amountCents, currency: payment.currency }, meta(event));
            }
            const reason = result.kind === 'not-found' ? 'payment_not_found' : result.reason;
            const paymentId = result.kind === 'not-found' ? {} : { paymentId: result.payment.id };
            return makeEvent('shop.payments.payment.capture-failed', data.orderId, { orderId: data.orderId, commandId, reason, ...paymentId }, meta(event));
          }),
        );
        return;
      }
      case 'shop.payments.payment.void': {
        const { data } = event;
        await service.void(
          { orderId: data.orderId },
          finishing<StepResult>(event, (result) => {
            const commandId = event.id;
            // Compensation must complete: rolling back (inbox record included) makes the consumer retry.
            if (result.kind === 'failed') throw new VoidPendingError(result.reason);
            if (result.kind === 'payment') return makeEvent('shop.payments.payment.voided', data.orderId, { orderId: data.orderId, commandId, paymentId: result.payment.id }, meta(event));
            if (result.kind === 'not-found') return makeEvent('shop.payments.payment.voided', data.orderId, { orderId: data.orderId, commandId }, meta(event));
            return makeEvent('shop.payments.payment.void-failed', data.orderId, { orderId: data.orderId, commandId, reason: result.reason, paymentId: result.payment.id }, meta(event));
          }),
        );
        return;
      }
      case 'shop.payments.payment.refund': {
        const { data } = event;
        await service.refund(
          { orderId: data.orderId },
          finishing<StepResult>(event, (result) => {
            const commandId = event.id;
            // Like a void, a refund must complete: psp unreachable rolls back and the consumer retries.
            if (result.kind === 'failed') throw new VoidPendingError(result.reason, 'refund');
            if (result.kind === 'payment') {
              const { payment } = result;
              return makeEvent('shop.payments.payment.refunded', data.orderId, { orderId: data.orderId, commandId, paymentId: payment.id, amountCents: payment.amountCents, currency: payment.currency }, meta(event));
            }
            if (result.kind === 'not-found') return makeEvent('shop.payments.payment.refund-failed', data.orderId, { orderId: data.orderId, commandId, reason: 'payment_not_found' }, meta(event));
            return makeEvent('shop.payments.payment.refund-failed', data.orderId, { orderId: data.orderId, commandId, reason: result.reason, paymentId: result.payment.id }, meta(event));
          }),
        );
        return;
      }
      default:
        throw new PermanentError(`payments does not handle ${event.type}`);
    }
  };
}
