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

const settings: SagaSettings = { stepTimeoutMs: 10_000, source: '/services/orders', unitWeightGrams: 500, maxCompensationAttempts: 3 };
const T0 = Date.parse('2026-11-21T08:00:00.000Z');
const ORDER_ID = '11111111-1111-4111-8111-111111111111';
const PAYMENT_ID = '22222222-2222-4222-8222-222222222222';
const SHIPMENT_ID = '33333333-3333-4333-8333-333333333333';
const PRODUCT = '44444444-4444-4444-8444-444444444444';

let ids = 0;
function ctx(atMs = T0): SagaContext {
  return { now: new Date(atMs), newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`, settings };
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

  it('commit failure after capture: cancel shipment, release, no void, refund_required recorded', () => {
    const { transitions } = run(reply.reserved, reply.authorized, reply.created, reply.captured, reply.commitFailed);
    const failed = transitions[5]!;
    expect(types(failed)).toEqual(['shop.shipping.shipment.cancel']);
    expect(failed.state.compensations).toEqual(['release_stock']);
    expect(failed.state.refundRequired).toBe(true);
    expect(failed.observations).toContainEqual({ kind: 'refund_required' });
    expect(failed.log.find((e) => e.kind === 'refund_required')?.detail).toMatchObject({ paymentId: PAYMENT_ID, amountCents: 3750 });
    const done = answer(answer(failed.state, reply.shipmentCancelled).state, reply.released);
    expect((done.messages[0] as ShopEvent<'shop.orders.order.cancelled'>).data).toMatchObject({ reason: 'reservation_expired', failedStep: 'commit_stock' });
    expect(done.log.find((e) => e.kind === 'cancelled')?.detail).toMatchObject({ refundRequired: true });
  });

  it('a void refused because the payment was captured records refund_required once', () => {
    const start = run(reply.reserved, reply.authorized, reply.created).state;
    const timedOut = onTimeout(start, ctx(T0 + 20_000)); // capture_payment is awaited
    expect(timedOut.state.failure).toMatchObject({ failedStep: 'capture_payment', reason: 'step_timeout' });
    expect(timedOut.state.payment).toBe('maybe_captured');
    expect(types(timedOut)).toEqual(['shop.shipping.shipment.cancel']);
    const afterCancel = answer(timedOut.state, reply.shipmentCancelled);
    expect(types(afterCancel)).toEqual(['shop.payments.payment.void']);
    const refused = answer(afterCancel.state, reply.voidRefusedCaptured);
    expect(refused.state).toMatchObject({ refundRequired: true, payment: 'captured', step: 'release_stock' });
    expect(refused.observations).toContainEqual({ kind: 'refund_required' });
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

  it('commit timed out after capture: refund required, shipment cancelled, stock released', () => {
    const state = run(reply.reserved, reply.authorized, reply.created, reply.captured).state;
    const t = onTimeout(state, ctx(T0 + 20_000));
    expect(t.state.refundRequired).toBe(true);
    expect(types(t)).toEqual(['shop.shipping.shipment.cancel']);
    expect(t.state.compensations).toEqual(['release_stock']);
    const released = answer(answer(t.state, reply.shipmentCancelled).state, reply.releasedButCommitted);
    expect(released.state.stock).toBe('committed');
    expect(released.state.status).toBe('cancelled');
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
