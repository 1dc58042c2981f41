// A protocol test of the orchestrator over real Kafka and PostgreSQL, with a real catalog: the
// test plays inventory, payments and shipping — it reads orders' commands from the unique command
// topics and produces the participants' replies onto the unique reply topics — and checks the
// commands, the order's state, its audit log, its facts and the metrics.
import { DEAD_LETTER_HEADERS, makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { produceRaw, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentIdempotencyKey, reservationTtlMs } from '../../src/domain/saga.ts';
import { brokers, replies, startOrders, type OrdersFixture } from '../support/orders-fixture.ts';
import { getOrder, orderAwaits, orderLog, orderReaches, placeOrder } from '../support/helpers.ts';

let f: OrdersFixture;
beforeAll(async () => {
  f = await startOrders();
});
afterAll(async () => {
  await f?.close();
});

/** Drives an order through reserve, authorise and create; returns the ids the participants made up. */
async function forwardToCapture(orderId: string, twice = false) {
  const send = (event: ShopEvent) => f.send(twice ? [event, event] : [event]);
  const reserve = await f.command(orderId, 'shop.inventory.stock.reserve');
  await send(replies.reserved(reserve));
  const authorize = await f.command(orderId, 'shop.payments.payment.authorize');
  const paymentId = crypto.randomUUID();
  await send(replies.authorized(authorize, paymentId));
  const create = await f.command(orderId, 'shop.shipping.shipment.create');
  const shipmentId = crypto.randomUUID();
  await send(replies.created(create, shipmentId));
  const capture = await f.command(orderId, 'shop.payments.payment.capture');
  return { reserve, authorize, create, capture, paymentId, shipmentId, send };
}

describe('happy path', () => {
  it('reserve → authorise → create shipment → capture → commit → confirmed, with facts, log and metrics', async () => {
    const confirmedBefore = await f.metric('shop_orders_completed_total', { outcome: 'confirmed' });
    const order = await placeOrder(f, { items: [{ productId: f.products.widget, quantity: 2 }, { productId: f.products.gadget, quantity: 3 }], cardToken: 'tok_visa' });
    expect(order).toMatchObject({ status: 'pending', step: 'reserve_stock', totalCents: 2 * 1250 + 3 * 500, currency: 'EUR' });

    const { reserve, authorize, create, capture, paymentId, shipmentId, send } = await forwardToCapture(order.id);
    expect(reserve.subject).toBe(order.id);
    expect(reserve.data.items).toEqual([{ productId: f.products.widget, quantity: 2 }, { productId: f.products.gadget, quantity: 3 }]);
    expect(Date.parse(reserve.data.expiresAt) - Date.parse(reserve.time)).toBe(reservationTtlMs({ stepTimeoutMs: 60_000, stepBudgetMs: 60_000, source: '', unitWeightGrams: 500, maxCompensationAttempts: 3 }));
    expect(authorize.data).toEqual({ orderId: order.id, amountCents: 4000, currency: 'EUR', idempotencyKey: paymentIdempotencyKey(order.id), cardToken: 'tok_visa' });
    expect(create.data).toEqual({ orderId: order.id, items: reserve.data.items, destination: { country: 'DE', postalCode: '10115', city: 'Berlin' }, method: 'standard', weightGrams: 2500 });

    await send(replies.captured(capture, paymentId, 4000));
    const commit = await f.command(order.id, 'shop.inventory.stock.commit');
    await send(replies.committed(commit, reserve.data.items));
    const confirmed = await orderReaches(f, order.id, 'confirmed');
    expect(confirmed).toMatchObject({ step: null, reason: null, failedStep: null, paymentId, shipmentId, refundRequired: false });
    expect(confirmed.completedAt).not.toBeNull();

    // Every command keyed by the order, on its participant's topic, each exactly once.
    const commandRecords = f.collector.records.filter((r) => r.text !== null && r.text.includes(`"subject":"${order.id}"`) && r.topic !== f.topics.ordersEvents);
    expect(commandRecords.map((r) => [r.topic, r.key])).toEqual([
      [f.topics.inventoryCommands, order.id],
      [f.topics.paymentsCommands, order.id],
      [f.topics.shippingCommands, order.id],
      [f.topics.paymentsCommands, order.id],
      [f.topics.inventoryCommands, order.id],
    ]);
    expect(f.commands(order.id).map((c) => c.type)).toEqual([
      'shop.inventory.stock.reserve',
      'shop.payments.payment.authorize',
      'shop.shipping.shipment.create',
      'shop.payments.payment.capture',
      'shop.inventory.stock.commit',
    ]);
    const facts = await waitFor('placed and confirmed facts', () => (f.facts(order.id).length === 2 ? f.facts(order.id) : undefined));
    expect(facts.map((e) => e.type)).toEqual(['shop.orders.order.placed', 'shop.orders.order.confirmed']);
    expect(facts[1]!.data).toMatchObject({ orderId: order.id, userId: 'alice', totalCents: 4000, currency: 'EUR', paymentId, shipmentId });

    const log = await orderLog(f, order.id);
    expect(log.map((e) => e.kind)).toEqual([
      'placed',
      'command_sent',
      'reply_received',
      'command_sent',
      'reply_received',
      'command_sent',
      'reply_received',
      'command_sent',
      'reply_received',
      'command_sent',
      'reply_received',
      'confirmed',
    ]);
    expect(await f.metric('shop_orders_completed_total', { outcome: 'confirmed', reason: 'none' })).toBe(confirmedBefore + 1);
    expect(await f.metric('shop_saga_step_duration_seconds', { step: 'commit_stock', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(await f.metric('shop_checkout_duration_seconds', { outcome: 'confirmed' })).toBeGreaterThanOrEqual(1);
  });

  it('every reply delivered twice: the same outcome, no command sent twice, each reply applied once', async () => {
    const duplicatesBefore = await f.metric('inbox_duplicates_skipped_total');
    const order = await placeOrder(f);
    const { reserve, capture, paymentId, shipmentId, send } = await forwardToCapture(order.id, true);
    await send(replies.captured(capture, paymentId, 2500));
    const commit = await f.command(order.id, 'shop.inventory.stock.commit');
    await send(replies.committed(commit, reserve.data.items));
    const confirmed = await orderReaches(f, order.id, 'confirmed');
    expect(confirmed).toMatchObject({ paymentId, shipmentId });
    await waitFor('all five duplicates skipped', async () => (await f.metric('inbox_duplicates_skipped_total')) >= duplicatesBefore + 5);

    // A participant replaying its reply under a new event id (same command id) changes nothing either.
    await f.send([{ ...replies.committed(commit, reserve.data.items) }]);
    await waitFor('replayed reply logged as stale', async () => (await orderLog(f, order.id)).some((e) => e.kind === 'stale_reply'));

    const types = f.commands(order.id).map((c) => c.type);
    expect(types).toHaveLength(5);
    expect(new Set(types).size).toBe(5);
    const log = await orderLog(f, order.id);
    expect(log.filter((e) => e.kind === 'reply_received')).toHaveLength(5);
    expect(log.filter((e) => e.kind === 'confirmed')).toHaveLength(1);
    expect(await getOrder(f, order.id)).toEqual(confirmed);
    expect(f.facts(order.id).filter((e) => e.type === 'shop.orders.order.confirmed')).toHaveLength(1);
  });
});

describe('compensation paths', () => {
  it('out of stock: cancelled at once with reason out_of_stock, nothing to compensate', async () => {
    const order = await placeOrder(f);
    const reserve = await f.command(order.id, 'shop.inventory.stock.reserve');
    await f.send([replies.outOfStock(reserve)]);
    const cancelled = await orderReaches(f, order.id, 'cancelled');
    expect(cancelled).toMatchObject({ reason: 'out_of_stock', failedStep: 'reserve_stock', step: null });
    expect(f.commands(order.id).map((c) => c.type)).toEqual(['shop.inventory.stock.reserve']);
    const cancelledFact = await waitFor('cancelled fact', () => f.facts(order.id).find((e) => e.type === 'shop.orders.order.cancelled'));
    expect(cancelledFact.data).toEqual({ orderId: order.id, userId: 'alice', reason: 'out_of_stock', failedStep: 'reserve_stock', totalCents: 2500, currency: 'EUR' });
    expect((await orderLog(f, order.id)).find((e) => e.kind === 'reply_received')?.detail).toMatchObject({ reason: 'out_of_stock', shortfall: [{ productId: f.products.widget, requested: 2, available: 0 }] });
  });

  it('declined: the stock is released, then cancelled with reason declined', async () => {
    const order = await placeOrder(f);
    const reserve = await f.command(order.id, 'shop.inventory.stock.reserve');
    await f.send([replies.reserved(reserve)]);
    const authorize = await f.command(order.id, 'shop.payments.payment.authorize');
    await f.send([replies.declined(authorize)]);
    const release = await f.command(order.id, 'shop.inventory.stock.release');
    expect(release.data).toEqual({ orderId: order.id, reason: 'declined' });
    expect((await getOrder(f, order.id)).status).toBe('cancelling');
    await f.send([replies.released(release)]);
    expect(await orderReaches(f, order.id, 'cancelled')).toMatchObject({ reason: 'declined', failedStep: 'authorize_payment' });
    expect(f.commands(order.id).map((c) => c.type)).toEqual(['shop.inventory.stock.reserve', 'shop.payments.payment.authorize', 'shop.inventory.stock.release']);
  });

  it('shipment failure: void then release', async () => {
    const order = await placeOrder(f);
    const reserve = await f.command(order.id, 'shop.inventory.stock.reserve');
    await f.send([replies.reserved(reserve)]);
    const authorize = await f.command(order.id, 'shop.payments.payment.authorize');
    await f.send([replies.authorized(authorize)]);
    const create = await f.command(order.id, 'shop.shipping.shipment.create');
    await f.send([replies.creationFailed(create)]);
    const voidCommand = await f.command(order.id, 'shop.payments.payment.void');
    expect(voidCommand.data).toEqual({ orderId: order.id, reason: 'unsupported_destination' });
    await f.send([replies.voided(voidCommand)]);
    const release = await f.command(order.id, 'shop.inventory.stock.release');
    await f.send([replies.released(release)]);
    expect(await orderReaches(f, order.id, 'cancelled')).toMatchObject({ reason: 'unsupported_destination', failedStep: 'create_shipment' });
    expect(f.commands(order.id).map((c) => c.type).slice(3)).toEqual(['shop.payments.payment.void', 'shop.inventory.stock.release']);
  });

  it('capture failure: cancel the shipment, void, release — in reverse order', async () => {
    const order = await placeOrder(f);
    const { capture } = await forwardToCapture(order.id);
    await f.send([replies.captureFailed(capture)]);
    const cancel = await f.command(order.id, 'shop.shipping.shipment.cancel');
    await f.send([replies.shipmentCancelled(cancel)]);
    const voidCommand = await f.command(order.id, 'shop.payments.payment.void');
    await f.send([replies.voided(voidCommand)]);
    const release = await f.command(order.id, 'shop.inventory.stock.release');
    await f.send([replies.released(release)]);
    expect(await orderReaches(f, order.id, 'cancelled')).toMatchObject({ reason: 'psp_unavailable', failedStep: 'capture_payment', refundRequired: false });
    expect(f.commands(order.id).map((c) => c.type).slice(4)).toEqual(['shop.shipping.shipment.cancel', 'shop.payments.payment.void', 'shop.inventory.stock.release']);
  });

  it('commit failure after capture: shipment cancelled, the capture refunded (log, metric), stock released', async () => {
    const refundsBefore = await f.metric('shop_orders_refunded_total');
    const byHandBefore = await f.metric('shop_order_refund_required_total');
    const order = await placeOrder(f);
    const { capture, paymentId, send } = await forwardToCapture(order.id);
    await send(replies.captured(capture, paymentId, 2500));
    const commit = await f.command(order.id, 'shop.inventory.stock.commit');
    await f.send([makeEvent('shop.inventory.stock.commit-failed', order.id, { orderId: order.id, commandId: commit.id, reason: 'reservation_expired' }, { source: '/services/test', now: new Date() })]);
    const cancel = await f.command(order.id, 'shop.shipping.shipment.cancel');
    await f.send([replies.shipmentCancelled(cancel)]);
    const refund = await f.command(order.id, 'shop.payments.payment.refund');
    expect(refund.data).toEqual({ orderId: order.id, reason: 'reservation_expired' });
    await f.send([replies.refunded(refund, paymentId, 2500)]);
    const release = await f.command(order.id, 'shop.inventory.stock.release');
    await f.send([replies.released(release)]);
    expect(await orderReaches(f, order.id, 'cancelled')).toMatchObject({ reason: 'reservation_expired', failedStep: 'commit_stock', refundRequired: false });
    expect(f.commands(order.id).some((c) => c.type === 'shop.payments.payment.void')).toBe(false);
    expect((await orderLog(f, order.id)).find((e) => e.kind === 'refunded')?.detail).toMatchObject({ paymentId, amountCents: 2500 });
    expect(await f.metric('shop_orders_refunded_total')).toBe(refundsBefore + 1);
    expect(await f.metric('shop_order_refund_required_total')).toBe(byHandBefore);
  });
});

describe('messages that are not replies to a running saga', () => {
  it('poison messages go to the dead-letter topic with the reason, and the saga consumer carries on', async () => {
    const topic = f.topics.inventoryEvents;
    await produceRaw(brokers, topic, [
      { key: 'poison-1', value: Buffer.from([0xff, 0xfe, 0x00]) },
      { key: 'poison-2', value: '{"not":"an envelope"}' },
      { key: 'poison-3', value: JSON.stringify({ ...makeEvent('shop.inventory.stock.low', 'p', { productId: 'p', available: 1, threshold: 5 }, { source: '/t', now: new Date() }), data: { productId: 'p', available: -1 } }) },
    ]);
    // A command has no business on a reply topic: the handler refuses it permanently.
    const stray = makeEvent('shop.inventory.stock.commit', 'stray-order', { orderId: 'stray-order' }, { source: '/t', now: new Date() });
    await f.send([stray], topic);

    const dead = await waitFor('four dead letters', () => {
      const records = f.collector.records.filter((r) => r.topic === f.topics.deadLetter);
      return records.length >= 4 ? records : undefined;
    });
    const reasons = Object.fromEntries(dead.map((r): [string, string | undefined] => [r.key ?? '', r.headers[DEAD_LETTER_HEADERS.reason]]));
    expect(reasons).toEqual({ 'poison-1': 'unparseable', 'poison-2': 'invalid-envelope', 'poison-3': 'invalid-payload', 'stray-order': 'handler-rejected' });
    expect(dead.every((r) => r.headers[DEAD_LETTER_HEADERS.originalTopic] === topic)).toBe(true);

    // The consumer moved on: a new order still gets through its first step.
    const order = await placeOrder(f);
    const reserve = await f.command(order.id, 'shop.inventory.stock.reserve');
    await f.send([replies.outOfStock(reserve)]);
    await orderReaches(f, order.id, 'cancelled');
  });

  it('replies for unknown orders and facts orders does not act on are skipped, not dead-lettered', async () => {
    const unknown = crypto.randomUUID();
    const source = { source: '/t', now: new Date() };
    await f.send([
      makeEvent('shop.inventory.stock.reserved', unknown, { orderId: unknown, commandId: crypto.randomUUID(), items: [{ productId: f.products.widget, quantity: 1 }], expiresAt: new Date().toISOString() }, source),
      makeEvent('shop.payments.payment.voided', 'not-a-uuid', { orderId: 'not-a-uuid', commandId: crypto.randomUUID() }, source),
      makeEvent('shop.inventory.stock.low', f.products.widget, { productId: f.products.widget, available: 1, threshold: 5 }, source),
    ]);
    // Then real saga steps on both topics (one partition each): once they are applied, the
    // messages before them were handled too.
    const handledBefore = await f.metric('inbox_events_handled_total');
    const order = await placeOrder(f);
    const reserve = await f.command(order.id, 'shop.inventory.stock.reserve');
    await f.send([replies.reserved(reserve)]);
    const authorize = await f.command(order.id, 'shop.payments.payment.authorize');
    await f.send([replies.authorized(authorize)]);
    await orderAwaits(f, order.id, 'create_shipment');
    const deadKeys = f.collector.records.filter((r) => r.topic === f.topics.deadLetter).map((r) => r.key);
    expect(deadKeys).not.toContain(unknown);
    expect(deadKeys).not.toContain('not-a-uuid');
    expect(deadKeys).not.toContain(f.products.widget);
    // The two replies for unknown orders went through the inbox (recorded, no effect); stock.low was skipped before it.
    expect(await f.metric('inbox_events_handled_total')).toBeGreaterThanOrEqual(handledBefore + 2);
  });
});

describe('the platform classifier on replies', () => {
  it('a reply PostgreSQL refuses as data (SQLSTATE 22P05, a NUL in the audit detail) is dead-lettered with the SQLSTATE; the next reply on the partition is applied', async () => {
    const order = await placeOrder(f);
    const reserve = await f.command(order.id, 'shop.inventory.stock.reserve');
    // Valid for the contract (product ids are any 1–100 characters), but jsonb refuses \u0000 on every try.
    const poison = makeEvent(
      'shop.inventory.stock.reservation-failed',
      order.id,
      { orderId: order.id, commandId: reserve.id, reason: 'out_of_stock', shortfall: [{ productId: 'p-\u0000', requested: 2, available: 0 }] },
      { source: '/services/test', now: new Date() },
    );
    await f.send([poison, replies.reserved(reserve)]);
    // The poison changed nothing; the good reply behind it moved the order on.
    await orderAwaits(f, order.id, 'authorize_payment');
    const letter = await waitFor('the poison reply dead-lettered', () => f.collector.records.find((r) => r.topic === f.topics.deadLetter && r.text?.includes(poison.id)));
    expect(letter.headers[DEAD_LETTER_HEADERS.reason]).toBe('handler-rejected');
    expect(letter.headers['dlq-detail']).toContain('SQLSTATE 22P05');
    expect((await orderLog(f, order.id)).some((e) => e.eventId === poison.id)).toBe(false);
  });
});

