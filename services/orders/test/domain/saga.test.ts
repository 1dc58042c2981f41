// The saga state machine as data: every forward transition, every compensation path, timeouts,
// stale, duplicate and late replies.
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { describe, expect, it } from 'vitest';
import {
  onReply,
  onTimeout,
  parcelWeightGrams,
  paymentIdempotencyKey,
  reasonLabel,
  reservationTtlMs,
  startSaga,
  type PlacedOrder,
  type ReplyEvent,
  type SagaContext,
  type SagaSettings,
  type SagaState,
  type Transition,
} from '../../src/domain/saga.ts';

// Budget = timeout: a forward step before the capture gives up at its first timeout (the pivot
// rule's re-sends are tested with their own settings below).
const settings: SagaSettings = { stepTimeoutMs: 10_000, stepBudgetMs: 10_000, source: '/services/orders', unitWeightGrams: 500, maxCompensationAttempts: 3 };
const T0 = Date.parse('2026-11-21T08:00:00.000Z');
const ORDER_ID = '11111111-1111-4111-8111-111111111111';
const PAYMENT_ID = '22222222-2222-4222-8222-222222222222';
const SHIPMENT_ID = '33333333-3333-4333-8333-333333333333';
const PRODUCT = '44444444-4444-4444-8444-444444444444';

let ids = 0;
function ctx(atMs = T0, with_: SagaSettings = settings): SagaContext {
  return { now: new Date(atMs), newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`, settings: with_ };
}

const order: PlacedOrder = {
  orderId: ORDER_ID,
  userId: 'user-1',
  lines: [{ productId: PRODUCT, quantity: 3, unitPriceCents: 1250 }],
  totalCents: 3750,
  currency: 'EUR',
  destination: { country: 'DE', postalCode: '10115', city: 'Berlin' },
  method: 'standard',
  cardToken: 'tok_visa',
  placedAt: new Date(T0).toISOString(),
};

const src = { source: '/services/participant', now: new Date(T0) };
type ReplyFor = (commandId: string) => ReplyEvent;
const reply = {
  reserved: (c: string) => makeEvent('shop.inventory.stock.reserved', ORDER_ID, { orderId: ORDER_ID, commandId: c, items: [{ productId: PRODUCT, quantity: 3 }], expiresAt: new Date(T0 + 60_000).toISOString() }, src),
  outOfStock: (c: string) => makeEvent('shop.inventory.stock.reservation-failed', ORDER_ID, { orderId: ORDER_ID, commandId: c, reason: 'out_of_stock', shortfall: [{ productId: PRODUCT, requested: 3, available: 1 }] }, src),
  authorized: (c: string) => makeEvent('shop.payments.payment.authorized', ORDER_ID, { orderId: ORDER_ID, commandId: c, paymentId: PAYMENT_ID, amountCents: 3750, currency: 'EUR' }, src),
  declined: (c: string) => makeEvent('shop.payments.payment.authorization-failed', ORDER_ID, { orderId: ORDER_ID, commandId: c, reason: 'declined', paymentId: PAYMENT_ID }, src),
  created: (c: string) =>
    makeEvent('shop.shipping.shipment.created', ORDER_ID, { orderId: ORDER_ID, commandId: c, shipmentId: SHIPMENT_ID, carrier: 'dhl', method: 'standard', costCents: 499, currency: 'EUR', estimatedDeliveryAt: new Date(T0 + 86_400_000).toISOString() }, src),
  creationFailed: (c: string) => makeEvent('shop.shipping.shipment.creation-failed', ORDER_ID, { orderId: ORDER_ID, commandId: c, reason: 'unsupported_destination' }, src),
  captured: (c: string) => makeEvent('shop.payments.payment.captured', ORDER_ID, { orderId: ORDER_ID, commandId: c, paymentId: PAYMENT_ID, amountCents: 3750, currency: 'EUR' }, src),
  captureFailed: (c: string) => makeEvent('shop.payments.payment.capture-failed', ORDER_ID, { orderId: ORDER_ID, commandId: c, reason: 'psp_unavailable', paymentId: PAYMENT_ID }, src),
  committed: (c: string) => makeEvent('shop.inventory.stock.committed', ORDER_ID, { orderId: ORDER_ID, commandId: c, items: [{ productId: PRODUCT, quantity: 3 }] }, src),
  commitFailed: (c: string) => makeEvent('shop.inventory.stock.commit-failed', ORDER_ID, { orderId: ORDER_ID, commandId: c, reason: 'reservation_expired' }, src),
  shipmentCancelled: (c: string) => makeEvent('shop.shipping.shipment.cancelled', ORDER_ID, { orderId: ORDER_ID, commandId: c, shipmentId: SHIPMENT_ID, outcome: 'cancelled' }, src),
  voided: (c: string) => makeEvent('shop.payments.payment.voided', ORDER_ID, { orderId: ORDER_ID, commandId: c, paymentId: PAYMENT_ID }, src),
  refunded: (c: string) => makeEvent('shop.payments.payment.refunded', ORDER_ID, { orderId: ORDER_ID, commandId: c, paymentId: PAYMENT_ID, amountCents: 3750, currency: 'EUR' }, src),
  refundFailed: (c: string) => makeEvent('shop.payments.payment.refund-failed', ORDER_ID, { orderId: ORDER_ID, commandId: c, reason: 'not_captured', paymentId: PAYMENT_ID }, src),
  voidRefusedCaptured: (c: string) => makeEvent('shop.payments.payment.void-failed', ORDER_ID, { orderId: ORDER_ID, commandId: c, reason: 'already_captured', paymentId: PAYMENT_ID }, src),
  released: (c: string) => makeEvent('shop.inventory.stock.released', ORDER_ID, { orderId: ORDER_ID, commandId: c, reason: 'declined', outcome: 'released', items: [{ productId: PRODUCT, quantity: 3 }] }, src),
  releasedButCommitted: (c: string) => makeEvent('shop.inventory.stock.released', ORDER_ID, { orderId: ORDER_ID, commandId: c, reason: 'step_timeout', outcome: 'already_committed', items: [{ productId: PRODUCT, quantity: 3 }] }, src),
} satisfies Record<string, ReplyFor>;

const types = (t: Transition) => t.messages.map((m) => m.type);
/** Answers the awaited command with `make` (100 ms after the state's step started). */
function answer(state: SagaState, make: ReplyFor, atMs = T0 + 100): Transition {
  return onReply(state, make(state.awaitedCommandId!), ctx(atMs));
}
/** Runs a sequence of answers from a fresh saga. */
function run(...makers: ReplyFor[]): { transitions: Transition[]; state: SagaState } {
  const transitions = [startSaga(order, ctx())];
  for (const make of makers) transitions.push(answer(transitions.at(-1)!.state, make));
  return { transitions, state: transitions.at(-1)!.state };
}

describe('start', () => {
  it('publishes order.placed and the reserve command with an expiry beyond every forward step', () => {
    const t = startSaga(order, ctx());
    expect(types(t)).toEqual(['shop.orders.order.placed', 'shop.inventory.stock.reserve']);
    const reserve = t.messages[1] as ShopEvent<'shop.inventory.stock.reserve'>;
    expect(reserve.subject).toBe(ORDER_ID);
    expect(reserve.data.items).toEqual([{ productId: PRODUCT, quantity: 3 }]);
    expect(Date.parse(reserve.data.expiresAt) - T0).toBe(reservationTtlMs(settings));
    expect(reservationTtlMs(settings)).toBeGreaterThan(5 * settings.stepTimeoutMs);
    expect(t.state).toMatchObject({ status: 'pending', step: 'reserve_stock', awaitedCommandId: reserve.id, stepAttempt: 1, stepDeadline: new Date(T0 + 10_000).toISOString() });
    expect(t.log.map((e) => e.kind)).toEqual(['placed', 'command_sent']);
  });
});

describe('happy path', () => {
  it('reserve → authorise → ship → capture → commit → confirmed, each command built from the order', () => {
    const { transitions, state } = run(reply.reserved, reply.authorized, reply.created, reply.captured, reply.committed);
    expect(transitions.map(types)).toEqual([
      ['shop.orders.order.placed', 'shop.inventory.stock.reserve'],
      ['shop.payments.payment.authorize'],
      ['shop.shipping.shipment.create'],
      ['shop.payments.payment.capture'],
      ['shop.inventory.stock.commit'],
      ['shop.orders.order.confirmed'],
    ]);
    const authorize = transitions[1]!.messages[0] as ShopEvent<'shop.payments.payment.authorize'>;
    expect(authorize.data).toEqual({ orderId: ORDER_ID, amountCents: 3750, currency: 'EUR', idempotencyKey: paymentIdempotencyKey(ORDER_ID), cardToken: 'tok_visa' });
    const create = transitions[2]!.messages[0] as ShopEvent<'shop.shipping.shipment.create'>;
    expect(create.data).toMatchObject({ destination: order.destination, method: 'standard', weightGrams: 1500 });
    const confirmed = transitions[5]!.messages[0] as ShopEvent<'shop.orders.order.confirmed'>;
    expect(confirmed.data).toEqual({ orderId: ORDER_ID, userId: 'user-1', totalCents: 3750, currency: 'EUR', paymentId: PAYMENT_ID, shipmentId: SHIPMENT_ID, checkoutSeconds: 0.1 });
    expect(state).toMatchObject({ status: 'confirmed', step: null, awaitedCommandId: null, stepDeadline: null, stock: 'committed', payment: 'captured', shipment: 'created', failure: null });
    expect(transitions[5]!.observations).toContainEqual({ kind: 'completed', outcome: 'confirmed', reason: 'none', seconds: 0.1 });
    expect(transitions[1]!.observations).toEqual([{ kind: 'step', step: 'reserve_stock', outcome: 'ok', seconds: 0.1 }]);
  });

  it('without a card token the authorise command carries none (payments uses its default)', () => {
    const { cardToken: _unused, ...withoutCard } = order;
    const t = startSaga(withoutCard, ctx());
    const next = answer(t.state, reply.reserved);
    expect((next.messages[0] as ShopEvent<'shop.payments.payment.authorize'>).data).not.toHaveProperty('cardToken');
  });
});

describe('failures and compensation', () => {
  it('out of stock: nothing is held, so the order is cancelled at once', () => {
    const { transitions, state } = run(reply.outOfStock);
    const t = transitions[1]!;
    expect(types(t)).toEqual(['shop.orders.order.cancelled']);
    expect((t.messages[0] as ShopEvent<'shop.orders.order.cancelled'>).data).toEqual({ orderId: ORDER_ID, userId: 'user-1', reason: 'out_of_stock', failedStep: 'reserve_stock', totalCents: 3750, currency: 'EUR' });
    expect(state).toMatchObject({ status: 'cancelled', step: null, failure: { reason: 'out_of_stock', failedStep: 'reserve_stock' } });
    expect(t.observations).toContainEqual({ kind: 'completed', outcome: 'cancelled', reason: 'out_of_stock', seconds: 0.1 });
  });

  it('declined: release the stock, then cancelled with reason declined', () => {
    const { transitions, state } = run(reply.reserved, reply.declined);
    expect(types(transitions[2]!)).toEqual(['shop.inventory.stock.release']);
    expect((transitions[2]!.messages[0] as ShopEvent<'shop.inventory.stock.release'>).data).toEqual({ orderId: ORDER_ID, reason: 'declined' });
    expect(state).toMatchObject({ status: 'cancelling', step: 'release_stock', compensations: [] });
    const done = answer(state, reply.released);
    expect(types(done)).toEqual(['shop.orders.order.cancelled']);
    expect(done.state).toMatchObject({ status: 'cancelled', stock: 'released', failure: { reason: 'declined', failedStep: 'authorize_payment' } });
  });

  it('shipment failure: void the payment, then release the stock', () => {
    const { transitions } = run(reply.reserved, reply.authorized, reply.creationFailed);
    const failed = transitions[3]!;
    expect(types(failed)).toEqual(['shop.payments.payment.void']);
    expect(failed.state.compensations).toEqual(['release_stock']);
    const afterVoid = answer(failed.state, reply.voided);
    expect(types(afterVoid)).toEqual(['shop.inventory.stock.release']);
    const done = answer(afterVoid.state, reply.released);
    expect((done.messages[0] as ShopEvent<'shop.orders.order.cancelled'>).data).toMatchObject({ reason: 'unsupported_destination', failedStep: 'create_shipment' });
    expect(done.state).toMatchObject({ payment: 'voided', stock: 'released', shipment: 'none' });
  });

  it('capture failure: cancel the shipment, void, release (reverse order)', () => {
    const { transitions } = run(reply.reserved, reply.authorized, reply.created, reply.captureFailed);
    let t = transitions[4]!;
    const sent: string[] = [];
    const replies: ReplyFor[] = [reply.shipmentCancelled, reply.voided, reply.released];
    for (const make of replies) {
      sent.push(...types(t));
      t = answer(t.state, make);
    }
    expect(sent).toEqual(['shop.shipping.shipment.cancel', 'shop.payments.payment.void', 'shop.inventory.stock.release']);
    expect(types(t)).toEqual(['shop.orders.order.cancelled']);
    expect(t.state).toMatchObject({ status: 'cancelled', shipment: 'cancelled', payment: 'voided', stock: 'released', failure: { reason: 'psp_unavailable', failedStep: 'capture_payment' }, refundRequired: false });
  });

  it('commit failure after capture: cancel shipment, refund the capture, release; no void, no refund by hand', () => {
    const { transitions } = run(reply.reserved, reply.authorized, reply.created, reply.captured, reply.commitFailed);
    const failed = transitions[5]!;
    expect(types(failed)).toEqual(['shop.shipping.shipment.cancel']);
    expect(failed.state.compensations).toEqual(['refund_payment', 'release_stock']);
    const refund = answer(failed.state, reply.shipmentCancelled);
    expect(types(refund)).toEqual(['shop.payments.payment.refund']);
    expect((refund.messages[0] as ShopEvent<'shop.payments.payment.refund'>).data).toEqual({ orderId: ORDER_ID, reason: 'reservation_expired' });
    const refunded = answer(refund.state, reply.refunded);
    expect(refunded.state).toMatchObject({ payment: 'refunded', step: 'release_stock', refundRequired: false });
    expect(refunded.observations).toContainEqual({ kind: 'refunded' });
    expect(refunded.log.find((e) => e.kind === 'refunded')?.detail).toMatchObject({ paymentId: PAYMENT_ID, amountCents: 3750 });
    const done = answer(refunded.state, reply.released);
    expect((done.messages[0] as ShopEvent<'shop.orders.order.cancelled'>).data).toMatchObject({ reason: 'reservation_expired', failedStep: 'commit_stock' });
    expect(done.log.find((e) => e.kind === 'cancelled')?.detail).toMatchObject({ refundRequired: false });
    expect([...transitions, refund, refunded, done].flatMap(types)).not.toContain('shop.payments.payment.void');
  });

  it('a refund payments refuses is recorded as refund_required (by hand) and the order still ends', () => {
    const failed = run(reply.reserved, reply.authorized, reply.created, reply.captured, reply.commitFailed).state;
    const refund = answer(failed, reply.shipmentCancelled);
    const refused = answer(refund.state, reply.refundFailed);
    expect(refused.state).toMatchObject({ refundRequired: true, payment: 'captured', step: 'release_stock' });
    expect(refused.observations).toContainEqual({ kind: 'refund_required' });
    expect(refused.log.find((e) => e.kind === 'refund_required')?.detail).toMatchObject({ why: 'refund refused by payments: not_captured' });
    expect(answer(refused.state, reply.released).state.status).toBe('cancelled');
  });

  it('a void refused because the capture did happen is followed by a refund', () => {
    // psp captured but payments reported a failure (its answer was lost): the void is refused.
    const failed = run(reply.reserved, reply.authorized, reply.created, reply.captureFailed).state;
    const afterCancel = answer(failed, reply.shipmentCancelled);
    expect(types(afterCancel)).toEqual(['shop.payments.payment.void']);
    const refused = answer(afterCancel.state, reply.voidRefusedCaptured);
    expect(types(refused)).toEqual(['shop.payments.payment.refund']);
    expect(refused.state).toMatchObject({ refundRequired: false, payment: 'captured', step: 'refund_payment', compensations: ['release_stock'] });
    const refunded = answer(refused.state, reply.refunded);
    expect(refunded.state.payment).toBe('refunded');
    expect(types(refunded)).toEqual(['shop.inventory.stock.release']);
  });
});

describe('timeouts', () => {
  it('does nothing before the deadline', () => {
    const start = startSaga(order, ctx());
    const t = onTimeout(start.state, ctx(T0 + 9_999));
    expect(t.changed).toBe(false);
    expect(t.state).toBe(start.state);
    expect(t.messages).toEqual([]);
  });

  it('reserve timed out: the stock may be reserved, so release it; reason step_timeout', () => {
    const start = startSaga(order, ctx());
    const t = onTimeout(start.state, ctx(T0 + 10_000));
    expect(types(t)).toEqual(['shop.inventory.stock.release']);
    expect(t.state).toMatchObject({ status: 'cancelling', stock: 'maybe', failure: { reason: 'step_timeout', failedStep: 'reserve_stock' } });
    expect(t.observations).toContainEqual({ kind: 'step_timeout', step: 'reserve_stock' });
    expect(t.observations).toContainEqual({ kind: 'step', step: 'reserve_stock', outcome: 'timeout', seconds: 10 });
    expect(t.log.map((e) => e.kind)).toEqual(['step_timed_out', 'compensation_started', 'command_sent']);
  });

  it('authorise timed out: void (possibly authorised) then release', () => {
    const state = run(reply.reserved).state;
    const t = onTimeout(state, ctx(T0 + 20_000));
    expect(types(t)).toEqual(['shop.payments.payment.void']);
    expect(t.state.compensations).toEqual(['release_stock']);
    expect(t.state.failure).toEqual({ reason: 'step_timeout', failedStep: 'authorize_payment' });
  });

  it('shipment timed out: cancel shipment, void, release', () => {
    const state = run(reply.reserved, reply.authorized).state;
    const t = onTimeout(state, ctx(T0 + 20_000));
    expect(types(t)).toEqual(['shop.shipping.shipment.cancel']);
    expect(t.state.compensations).toEqual(['void_payment', 'release_stock']);
  });

  it('a compensation that times out is re-sent with a new command id, and after the last attempt the saga moves on', () => {
    let t = onTimeout(startSaga(order, ctx()).state, ctx(T0 + 10_000)); // release sent (attempt 1)
    const first = t.state.awaitedCommandId;
    t = onTimeout(t.state, ctx(T0 + 20_000));
    expect(types(t)).toEqual(['shop.inventory.stock.release']);
    expect(t.state.awaitedCommandId).not.toBe(first);
    expect(t.state).toMatchObject({ step: 'release_stock', stepAttempt: 2, status: 'cancelling' });
    t = onTimeout(t.state, ctx(T0 + 30_000));
    expect(t.state.stepAttempt).toBe(3);
    t = onTimeout(t.state, ctx(T0 + 40_000));
    expect(t.log.map((e) => e.kind)).toContain('compensation_unconfirmed');
    expect(types(t)).toEqual(['shop.orders.order.cancelled']);
    expect(t.state.status).toBe('cancelled');
  });

  it('a late reply to an earlier send of the re-sent compensation confirms it (same idempotent request)', () => {
    let t = onTimeout(startSaga(order, ctx()).state, ctx(T0 + 10_000)); // release #1
    const first = t.state.awaitedCommandId!;
    t = onTimeout(t.state, ctx(T0 + 20_000)); // release #2
    expect(t.state.stepCommandIds).toEqual([first, t.state.awaitedCommandId]);
    const done = onReply(t.state, reply.released(first), ctx(T0 + 21_000));
    expect(done.changed).toBe(true);
    expect(types(done)).toEqual(['shop.orders.order.cancelled']);
    expect(done.state).toMatchObject({ status: 'cancelled', stock: 'released', stepCommandIds: [] });
    // ...and the second send's reply, arriving after that, is stale.
    expect(onReply(done.state, reply.released(t.state.awaitedCommandId!), ctx(T0 + 22_000)).changed).toBe(false);
  });

  it('a reply to the previous step is stale once the next step was sent', () => {
    const start = startSaga(order, ctx());
    const reserveId = start.state.awaitedCommandId!;
    const reserved = answer(start.state, reply.reserved);
    expect(reserved.state.stepCommandIds).toEqual([reserved.state.awaitedCommandId]);
    expect(onReply(reserved.state, reply.outOfStock(reserveId), ctx()).changed).toBe(false);
  });

  it('a terminal order never times out', () => {
    const state = run(reply.outOfStock).state;
    expect(onTimeout(state, ctx(T0 + 1_000_000)).changed).toBe(false);
  });
});

describe('pivot rule: re-send before giving up; never cancel after the capture', () => {
  const patient: SagaSettings = { ...settings, stepTimeoutMs: 10_000, stepBudgetMs: 25_000 };
  const at = (ms: number) => ctx(T0 + ms, patient);

  it('an unanswered reserve is re-sent (new event id, same order) until the budget is spent, then cancelled', () => {
    const start = startSaga(order, at(0));
    const first = start.messages[1] as ShopEvent<'shop.inventory.stock.reserve'>;
    const second = onTimeout(start.state, at(10_000));
    expect(types(second)).toEqual(['shop.inventory.stock.reserve']);
    const resent = second.messages[0] as ShopEvent<'shop.inventory.stock.reserve'>;
    expect(resent.id).not.toBe(first.id);
    expect(resent.data.orderId).toBe(first.data.orderId);
    expect(resent.data.items).toEqual(first.data.items);
    expect(second.state).toMatchObject({ status: 'pending', step: 'reserve_stock', stepAttempt: 2, stepStartedAt: new Date(T0).toISOString(), stepCommandIds: [first.id, resent.id] });
    expect(second.state.stepDeadline).toBe(new Date(T0 + 20_000).toISOString());
    expect(second.observations).toEqual([{ kind: 'step_timeout', step: 'reserve_stock' }, { kind: 'resend', step: 'reserve_stock' }]);
    // The third send waits only for what is left of the budget.
    const third = onTimeout(second.state, at(20_000));
    expect(third.state).toMatchObject({ stepAttempt: 3, stepDeadline: new Date(T0 + 25_000).toISOString(), status: 'pending' });
    const spent = onTimeout(third.state, at(25_000));
    expect(types(spent)).toEqual(['shop.inventory.stock.release']);
    expect(spent.state).toMatchObject({ status: 'cancelling', stock: 'maybe', failure: { reason: 'step_timeout', failedStep: 'reserve_stock' } });
    expect(spent.observations).toContainEqual({ kind: 'step', step: 'reserve_stock', outcome: 'timeout', seconds: 25 });
  });

  it('a reply to the FIRST send, arriving after a re-send, moves the order on (the participant was only slow)', () => {
    const start = startSaga(order, at(0));
    const firstId = start.state.awaitedCommandId!;
    const resent = onTimeout(start.state, at(10_000));
    const reserved = onReply(resent.state, reply.reserved(firstId), at(12_000));
    expect(types(reserved)).toEqual(['shop.payments.payment.authorize']);
    expect(reserved.observations).toContainEqual({ kind: 'step', step: 'reserve_stock', outcome: 'ok', seconds: 12 });
    // ...and the re-send's own (duplicate) answer afterwards is stale.
    expect(onReply(reserved.state, reply.reserved(resent.state.awaitedCommandId!), at(12_500)).changed).toBe(false);
  });

  it('authorise and shipment re-send the same idempotent request', () => {
    const reservedState = answer(startSaga(order, at(0)).state, reply.reserved);
    const authorize = onTimeout({ ...reservedState.state }, at(10_100));
    const data = (authorize.messages[0] as ShopEvent<'shop.payments.payment.authorize'>).data;
    expect(data.idempotencyKey).toBe(paymentIdempotencyKey(ORDER_ID));
    expect(authorize.state).toMatchObject({ step: 'authorize_payment', stepAttempt: 2, status: 'pending' });
    const authorized = onReply(authorize.state, reply.authorized(authorize.state.awaitedCommandId!), at(10_200));
    const shipping = onTimeout(authorized.state, at(20_200));
    expect(types(shipping)).toEqual(['shop.shipping.shipment.create']);
    expect(shipping.state.stepAttempt).toBe(2);
  });

  it('capture and commit are re-sent until answered, however long: a captured order is never cancelled by time', () => {
    const created = run(reply.reserved, reply.authorized, reply.created).state;
    let t = onTimeout(created, ctx(T0 + 10_100, patient));
    expect(types(t)).toEqual(['shop.payments.payment.capture']);
    t = onTimeout(t.state, ctx(T0 + 1_000_000, patient));
    expect(t.state).toMatchObject({ status: 'pending', step: 'capture_payment', stepAttempt: 3 });
    expect(t.state.stepDeadline).toBe(new Date(T0 + 1_010_000).toISOString());
    const captured = onReply(t.state, reply.captured(t.state.stepCommandIds[0]!), ctx(T0 + 1_000_500, patient));
    expect(types(captured)).toEqual(['shop.inventory.stock.commit']);
    let c = captured;
    for (let i = 1; i <= 20; i += 1) {
      c = onTimeout(c.state, ctx(T0 + 1_000_500 + i * 10_000, patient));
      expect(types(c)).toEqual(['shop.inventory.stock.commit']);
      expect(c.state.status).toBe('pending');
      expect(c.observations).toContainEqual({ kind: 'resend', step: 'commit_stock' });
    }
    const done = onReply(c.state, reply.committed(c.state.awaitedCommandId!), ctx(T0 + 1_300_000, patient));
    expect(done.state).toMatchObject({ status: 'confirmed', stock: 'committed', payment: 'captured', refundRequired: false });
  });

  it('a refund that is never confirmed is re-sent, then recorded as refund_required', () => {
    const failed = run(reply.reserved, reply.authorized, reply.created, reply.captured, reply.commitFailed).state;
    let t = answer(failed, reply.shipmentCancelled); // refund #1
    for (const ms of [20_000, 30_000]) {
      t = onTimeout(t.state, ctx(T0 + ms));
      expect(types(t)).toEqual(['shop.payments.payment.refund']);
    }
    t = onTimeout(t.state, ctx(T0 + 40_000));
    expect(t.log.map((e) => e.kind)).toEqual(['step_timed_out', 'compensation_unconfirmed', 'refund_required', 'command_sent']);
    expect(types(t)).toEqual(['shop.inventory.stock.release']);
    expect(t.state.refundRequired).toBe(true);
  });

  it('the reservation outlives every forward step budget', () => {
    expect(reservationTtlMs(patient)).toBe(25_000 * 6 + 60_000);
  });
});

describe('stale, duplicate and late replies change nothing', () => {
  it('a reply to another command id is logged as stale and changes nothing', () => {
    const start = startSaga(order, ctx());
    const t = onReply(start.state, reply.reserved('99999999-9999-4999-8999-999999999999'), ctx());
    expect(t.changed).toBe(false);
    expect(t.state).toBe(start.state);
    expect(t.messages).toEqual([]);
    expect(t.observations).toEqual([]);
    expect(t.log.map((e) => e.kind)).toEqual(['stale_reply']);
  });

  it('the same reply twice: the second is stale (the awaited command moved on)', () => {
    const start = startSaga(order, ctx());
    const first = reply.reserved(start.state.awaitedCommandId!);
    const once = onReply(start.state, first, ctx());
    const twice = onReply(once.state, first, ctx());
    expect(twice.changed).toBe(false);
    expect(twice.state).toBe(once.state);
    expect(twice.messages).toEqual([]);
  });

  it('a late success after a timeout does not revive the order', () => {
    const start = startSaga(order, ctx());
    const reserveId = start.state.awaitedCommandId!;
    const timedOut = onTimeout(start.state, ctx(T0 + 10_000));
    const late = onReply(timedOut.state, reply.reserved(reserveId), ctx(T0 + 11_000));
    expect(late.changed).toBe(false);
    expect(late.state.status).toBe('cancelling');
    expect(late.messages).toEqual([]);
  });

  it('a reply with the awaited id but the wrong type is stale', () => {
    const start = startSaga(order, ctx());
    const t = onReply(start.state, reply.authorized(start.state.awaitedCommandId!), ctx());
    expect(t.changed).toBe(false);
  });

  it('any reply after the terminal state is stale', () => {
    const { state } = run(reply.reserved, reply.authorized, reply.created, reply.captured, reply.committed);
    expect(onReply(state, reply.voided('99999999-9999-4999-8999-999999999999'), ctx()).changed).toBe(false);
  });
});

describe('helpers', () => {
  it('parcel weight is 500 g per unit, at least 1 g, capped at 70 kg', () => {
    expect(parcelWeightGrams([{ quantity: 2 }, { quantity: 3 }], 500)).toBe(2500);
    expect(parcelWeightGrams([{ quantity: 1000 }], 500)).toBe(70_000);
    expect(parcelWeightGrams([{ quantity: 1 }], 0)).toBe(1);
  });

  it('reason labels are bounded', () => {
    expect(reasonLabel('out_of_stock')).toBe('out_of_stock');
    expect(reasonLabel('something_new')).toBe('other');
  });
});
