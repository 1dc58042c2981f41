// The pivot rule over real Kafka and PostgreSQL, the test playing the participants: a participant
// silent for less than the step budget delays the order (its command is re-sent under a new event
// id) and cancels nothing; silent beyond the budget, the order is cancelled with `step_timeout`
// and compensated; after the capture a lost commit reply is re-sent for as long as it takes and
// the order is never cancelled. Two orchestrators: a patient one (budget far beyond any wait
// here) and a strict one (budget of a few seconds), so no assertion depends on the machine's pace.
import { waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentIdempotencyKey } from '../../src/domain/saga.ts';
import { replies, startOrders, type OrdersFixture } from '../support/orders-fixture.ts';
import { getOrder, orderLog, orderReaches, placeOrder } from '../support/helpers.ts';

let patient: OrdersFixture;
let strict: OrdersFixture;
beforeAll(async () => {
  [patient, strict] = await Promise.all([
    startOrders({ stepTimeoutMs: 1_500, stepBudgetMs: 300_000, sweepIntervalMs: 100, maxCompensationAttempts: 3 }),
    startOrders({ stepTimeoutMs: 1_000, stepBudgetMs: 3_000, sweepIntervalMs: 100, maxCompensationAttempts: 3 }),
  ]);
});
afterAll(async () => {
  await Promise.all([patient?.close(), strict?.close()]);
});

const sent = (f: OrdersFixture, orderId: string, type: string) => f.commands(orderId).filter((c) => c.type === type);

describe('before the capture: re-send, then give up only when the budget is spent', () => {
  it('a participant silent for less than the budget: the reserve is re-sent (new event id, same order) and the order confirms', async () => {
    const f = patient;
    const resendsBefore = await f.metric('shop_saga_step_resends_total', { step: 'reserve_stock' });
    const order = await placeOrder(f);
    const first = await f.command(order.id, 'shop.inventory.stock.reserve', 1);
    // Inventory "is down": the first command is lost. The orchestrator asks again.
    const second = await f.command(order.id, 'shop.inventory.stock.reserve', 2);
    expect(second.id).not.toBe(first.id);
    expect(second.data.orderId).toBe(first.data.orderId);
    expect(second.data.items).toEqual(first.data.items);
    expect(await f.metric('shop_saga_step_resends_total', { step: 'reserve_stock' })).toBeGreaterThanOrEqual(resendsBefore + 1);
    expect(await getOrder(f, order.id)).toMatchObject({ status: 'pending', step: 'reserve_stock' });

    // Inventory is back and answers the re-send; the saga goes on.
    await f.send([replies.reserved(second)]);
    const authorize = await f.command(order.id, 'shop.payments.payment.authorize');
    expect(authorize.data.idempotencyKey).toBe(paymentIdempotencyKey(order.id));
    const paymentId = crypto.randomUUID();
    await f.send([replies.authorized(authorize, paymentId)]);
    const create = await f.command(order.id, 'shop.shipping.shipment.create');
    await f.send([replies.created(create)]);
    const capture = await f.command(order.id, 'shop.payments.payment.capture');
    await f.send([replies.captured(capture, paymentId, order.totalCents)]);
    const commit = await f.command(order.id, 'shop.inventory.stock.commit');
    await f.send([replies.committed(commit, second.data.items)]);
    expect(await orderReaches(f, order.id, 'confirmed', 60_000)).toMatchObject({ reason: null, refundRequired: false });

    // A late answer to the first (lost, then found) send is a harmless stale reply.
    await f.send([replies.reserved(first)]);
    await waitFor('late reply logged as stale', async () => (await orderLog(f, order.id)).some((e) => e.kind === 'stale_reply' && e.commandId === first.id));
    expect((await getOrder(f, order.id)).status).toBe('confirmed');
    const log = await orderLog(f, order.id);
    expect(log.filter((e) => e.kind === 'command_sent' && e.step === 'reserve_stock').map((e) => e.detail['attempt']).slice(0, 2)).toEqual([1, 2]);
    expect(log.some((e) => e.kind === 'compensation_started')).toBe(false);
    expect(f.commands(order.id).some((c) => c.type === 'shop.inventory.stock.release' || c.type === 'shop.payments.payment.void')).toBe(false);
  });

  it('a participant silent beyond the budget: re-sent while the budget lasts, then cancelled with step_timeout and compensated', async () => {
    const f = strict;
    const order = await placeOrder(f);
    const reserve = await f.command(order.id, 'shop.inventory.stock.reserve');
    await f.send([replies.reserved(reserve)]);
    // Payments never answers: the authorisation is asked for again (the same payment key), then given up.
    const voidCommand = await f.command(order.id, 'shop.payments.payment.void');
    const authorizations = sent(f, order.id, 'shop.payments.payment.authorize');
    expect(authorizations.length).toBeGreaterThanOrEqual(2);
    expect(new Set(authorizations.map((c) => c.id)).size).toBe(authorizations.length);
    expect(new Set(authorizations.map((c) => (c.data as { idempotencyKey: string }).idempotencyKey))).toEqual(new Set([paymentIdempotencyKey(order.id)]));
    expect(voidCommand.data).toEqual({ orderId: order.id, reason: 'step_timeout' });
    expect(await getOrder(f, order.id)).toMatchObject({ reason: 'step_timeout', failedStep: 'authorize_payment' });

    // Compensation: the possibly-made authorisation is voided, the reservation released.
    await f.send([replies.voided(voidCommand)]);
    const release = await f.command(order.id, 'shop.inventory.stock.release');
    await f.send([replies.released(release)]);
    expect(await orderReaches(f, order.id, 'cancelled', 60_000)).toMatchObject({ reason: 'step_timeout', failedStep: 'authorize_payment', refundRequired: false });
    const fact = await waitFor('cancelled fact', () => f.facts(order.id).find((e) => e.type === 'shop.orders.order.cancelled'));
    expect(fact.data).toMatchObject({ reason: 'step_timeout', failedStep: 'authorize_payment' });
    const log = await orderLog(f, order.id);
    const timedOut = log.filter((e) => e.kind === 'step_timed_out' && e.step === 'authorize_payment');
    expect(timedOut.length).toBe(authorizations.length);
  });
});

describe('after the capture: re-sent until answered, never cancelled', () => {
  it('a lost commit reply is re-sent far beyond the budget; the captured order stays pending, then confirms', async () => {
    const f = strict;
    const order = await placeOrder(f);
    const reserve = await f.command(order.id, 'shop.inventory.stock.reserve');
    await f.send([replies.reserved(reserve)]);
    const authorize = await f.command(order.id, 'shop.payments.payment.authorize');
    const paymentId = crypto.randomUUID();
    await f.send([replies.authorized(authorize, paymentId)]);
    const create = await f.command(order.id, 'shop.shipping.shipment.create');
    await f.send([replies.created(create)]);
    const capture = await f.command(order.id, 'shop.payments.payment.capture');
    await f.send([replies.captured(capture, paymentId, order.totalCents)]);

    const firstCommit = await f.command(order.id, 'shop.inventory.stock.commit', 1);
    // Six sends one step timeout (1 s) apart: at least 5 s, well past the 3 s budget.
    const sixth = await f.command(order.id, 'shop.inventory.stock.commit', 6);
    expect(Date.parse(sixth.time) - Date.parse(firstCommit.time)).toBeGreaterThan(3_000);
    expect(await getOrder(f, order.id)).toMatchObject({ status: 'pending', step: 'commit_stock', reason: null });
    expect(await f.metric('shop_saga_step_resends_total', { step: 'commit_stock' })).toBeGreaterThanOrEqual(5);
    const afterCapture = f.commands(order.id).slice(f.commands(order.id).findIndex((c) => c.id === firstCommit.id));
    expect(new Set(afterCapture.map((c) => c.type))).toEqual(new Set(['shop.inventory.stock.commit']));

    // Inventory answers (the first send, processed late): the order confirms, nothing was undone.
    await f.send([replies.committed(firstCommit, reserve.data.items)]);
    expect(await orderReaches(f, order.id, 'confirmed', 60_000)).toMatchObject({ reason: null, refundRequired: false });
    const log = await orderLog(f, order.id);
    expect(log.some((e) => e.kind === 'compensation_started' || e.kind === 'cancelled')).toBe(false);
    expect(f.facts(order.id).map((e) => e.type)).not.toContain('shop.orders.order.cancelled');
    await waitFor('confirmed fact', () => f.facts(order.id).some((e) => e.type === 'shop.orders.order.confirmed'));
  });
});
