// shipping as a saga participant over real Kafka and PostgreSQL: create/cancel commands in, replies
// out through the outbox; order facts drive cancellation and delivery progress; redeliveries have
// no second effect; poison messages are dead-lettered while the consumer carries on. Topics are
// unique to this file.
import { randomUUID } from 'node:crypto';
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import {
  createEventProducer,
  createKafkaClient,
  deleteTopics,
  ensureTopics,
  inboxMetrics,
  startEventConsumer,
  startOutboxRelay,
  type EventConsumer,
  type EventProducer,
  type KafkaClient,
  type OutboxRelay,
} from '@shopwatch/platform';
import { type Collector, infraEnv, produceRaw, startCollector, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressEventId, replyEventId } from '../../src/domain/event-ids.ts';
import { createCommandHandler } from '../../src/plugins/command-handler.ts';
import { count, startShipping, type ShippingFixture } from '../support/shipping-fixture.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.shipping');
const commandsTopic = `${base}.commands`;
const ordersTopic = `${base}.orders`;
const eventsTopic = `${base}.events`;
const deadLetterTopic = `${base}.deadletter`;
const group = `${base}-group`;
const allTopics = [commandsTopic, ordersTopic, eventsTopic, deadLetterTopic];

let f: ShippingFixture;
let client: KafkaClient;
let producer: EventProducer;
let relayProducer: EventProducer;
let relay: OutboxRelay;
let consumer: EventConsumer;
let collector: Collector;

beforeAll(async () => {
  // Short stages without jitter: a confirmed shipment is delivered within a second or so. The
  // generous slack keeps "on time" true however slowly a loaded machine gets to the confirmation.
  f = await startShipping({ eventsTopic, durations: { dispatchMs: 100, inTransitMs: 100, deliverMs: 200, expressFactor: 0.5, jitter: 0 }, confirmationSlackMs: 600_000 });
  client = createKafkaClient({ brokers, clientId: 'shipping-participant-test' });
  await ensureTopics(client, allTopics.map((topic) => ({ topic, partitions: 1 })));
  collector = await startCollector(brokers, [eventsTopic, deadLetterTopic]);
  producer = createEventProducer({ client, registry: f.app.metrics.registry, topicOf: (event) => (event.type.startsWith('shop.orders.') ? ordersTopic : commandsTopic) });
  await producer.connect();
  relayProducer = createEventProducer({ client, registry: f.app.metrics.registry });
  await relayProducer.connect();
  relay = startOutboxRelay({ pool: f.pool, producer: relayProducer, registry: f.app.metrics.registry, pollIntervalMs: 200 });
  consumer = await startEventConsumer({
    client,
    groupId: group,
    topics: [commandsTopic, ordersTopic],
    registry: f.app.metrics.registry,
    fromBeginning: true,
    deadLetterTopic,
    partitionsConsumedConcurrently: 2,
    retry: { initialDelayMs: 20, maxDelayMs: 200 },
    handler: createCommandHandler({ pool: f.pool, operations: f.app.shipping, consumerGroup: group, inboxMetrics: inboxMetrics(f.app.metrics.registry) }),
  });
  f.app.progressTicker.start(100);
});

afterAll(async () => {
  await consumer?.stop();
  await f?.app.progressTicker.stop();
  await relay?.stop();
  await relayProducer?.disconnect();
  await producer?.disconnect();
  await collector?.stop();
  if (client) await deleteTopics(client, allTopics);
  await f?.close();
});

const source = '/services/orders';
const now = () => new Date();
let orders = 0;
const newOrder = () => `order-${++orders}-${Date.now().toString(36)}`;

function createCommand(orderId: string, extra: { country?: string; weightGrams?: number; method?: 'standard' | 'express' } = {}) {
  return makeEvent(
    'shop.shipping.shipment.create',
    orderId,
    {
      orderId,
      items: [{ productId: 'p-1', quantity: 2 }, { productId: 'p-2', quantity: 1 }],
      destination: { country: extra.country ?? 'DE', postalCode: '10115', city: 'Berlin' },
      method: extra.method ?? 'standard',
      weightGrams: extra.weightGrams ?? 2_500,
    },
    { source, now },
  );
}
const cancelCommand = (orderId: string, reason = 'payment_declined') => makeEvent('shop.shipping.shipment.cancel', orderId, { orderId, reason }, { source, now });
const orderConfirmed = (orderId: string, shipmentId: string) =>
  makeEvent('shop.orders.order.confirmed', orderId, { orderId, userId: 'u-1', totalCents: 5000, currency: 'EUR', paymentId: randomUUID(), shipmentId, checkoutSeconds: 1.2 }, { source, now });
const orderCancelled = (orderId: string) =>
  makeEvent('shop.orders.order.cancelled', orderId, { orderId, userId: 'u-1', reason: 'declined', failedStep: 'authorize_payment', totalCents: 5000, currency: 'EUR' }, { source, now });

interface Out {
  event: ShopEvent & { data: { commandId?: string; orderId: string; shipmentId?: string; reason?: string; outcome?: string; deliverySeconds?: number; onTime?: boolean } };
  key: string | null;
}
function published(): Out[] {
  return collector.records.filter((r) => r.topic === eventsTopic && r.text !== null).map((r) => ({ event: JSON.parse(r.text!) as Out['event'], key: r.key }));
}
const repliesTo = (command: ShopEvent) => published().filter((r) => r.event.data.commandId === command.id);
const replyTo = (command: ShopEvent) => waitFor(`reply to ${command.type} ${command.id}`, () => repliesTo(command)[0], { timeoutMs: 30_000 });
const factsFor = (orderId: string) => published().filter((r) => r.event.data.orderId === orderId && r.event.data.commandId === undefined);
const shipmentRow = async (orderId: string) =>
  (await f.pool.query<{ id: string; status: string; cancel_reason: string | null }>('SELECT id, status, cancel_reason FROM shipments WHERE order_id = $1', [orderId])).rows[0];

describe('create', () => {
  it('answers created, keyed by the order, with the id derived from the command, and stores a pending shipment', async () => {
    const orderId = newOrder();
    const command = createCommand(orderId, { method: 'express' });
    await producer.publish([command]);
    const reply = await replyTo(command);
    expect(reply.key).toBe(orderId);
    expect(reply.event).toMatchObject({
      type: 'shop.shipping.shipment.created',
      subject: orderId,
      id: replyEventId(command.id),
      data: { orderId, commandId: command.id, carrier: 'DPD Express', method: 'express', costCents: 1190 + 2 * 90, currency: 'EUR' },
    });
    const row = await shipmentRow(orderId);
    expect(row).toMatchObject({ id: reply.event.data.shipmentId, status: 'pending' });
    expect(await f.metric('shop_shipments_total', { outcome: 'created' })).toBeGreaterThanOrEqual(1);
  });

  it('refuses unsupported destinations and parcels no method can carry, with the reason', async () => {
    const far = newOrder();
    const heavy = newOrder();
    const toNowhere = createCommand(far, { country: 'KP' });
    const tooHeavy = createCommand(heavy, { country: 'US', weightGrams: 40_000 });
    await producer.publish([toNowhere, tooHeavy]);
    expect((await replyTo(toNowhere)).event).toMatchObject({ type: 'shop.shipping.shipment.creation-failed', id: replyEventId(toNowhere.id), data: { orderId: far, reason: 'unsupported_destination' } });
    expect((await replyTo(tooHeavy)).event).toMatchObject({ type: 'shop.shipping.shipment.creation-failed', data: { orderId: heavy, reason: 'overweight' } });
    expect(await shipmentRow(far)).toBeUndefined();
    expect(await shipmentRow(heavy)).toBeUndefined();
    expect(await f.metric('shop_shipments_total', { outcome: 'creation_failed', reason: 'overweight' })).toBe(1);
  });

  it('the faults file failure rate answers carrier_unavailable; back to 0, creates succeed again', async () => {
    f.faults.shipping.failureRate = 1;
    const orderId = newOrder();
    const failing = createCommand(orderId);
    try {
      await producer.publish([failing]);
      expect((await replyTo(failing)).event).toMatchObject({ type: 'shop.shipping.shipment.creation-failed', data: { reason: 'carrier_unavailable' } });
    } finally {
      f.faults.shipping.failureRate = 0;
    }
    expect(await shipmentRow(orderId)).toBeUndefined();
    const retry = createCommand(orderId);
    await producer.publish([retry]);
    expect((await replyTo(retry)).event.type).toBe('shop.shipping.shipment.created');
    expect(await f.metric('shop_shipments_total', { outcome: 'creation_failed', reason: 'carrier_unavailable' })).toBe(1);
  });

  it('the faults file processing delay holds a create back at least that long', async () => {
    f.faults.shipping.processingDelayMs = 400;
    const orderId = newOrder();
    const command = createCommand(orderId);
    try {
      await producer.publish([command]);
      const reply = await replyTo(command);
      expect(Date.parse(reply.event.time) - Date.parse(command.time)).toBeGreaterThanOrEqual(400);
    } finally {
      f.faults.shipping.processingDelayMs = 0;
    }
  });
});

describe('redelivery and idempotency', () => {
  it('the same create delivered twice makes one shipment and one reply', async () => {
    const orderId = newOrder();
    const command = createCommand(orderId);
    const duplicatesBefore = await f.metric('inbox_duplicates_skipped_total');
    await producer.publish([command]);
    await producer.publish([command]);
    // One partition: once a later command is answered, both copies have been handled.
    const sentinel = createCommand(newOrder());
    await producer.publish([sentinel]);
    await replyTo(sentinel);
    await waitFor('relay drained', async () => (await count(f.pool, 'SELECT count(*) AS n FROM outbox')) === 0);
    expect(repliesTo(command)).toHaveLength(1);
    expect(await count(f.pool, 'SELECT count(*) AS n FROM shipments WHERE order_id = $1', [orderId])).toBe(1);
    expect(await f.metric('inbox_duplicates_skipped_total')).toBe(duplicatesBefore + 1);
  });

  it('a second create command for the order answers with the same shipment under its own reply id', async () => {
    const orderId = newOrder();
    const first = createCommand(orderId);
    const second = createCommand(orderId);
    await producer.publish([first, second]);
    const [a, b] = [await replyTo(first), await replyTo(second)];
    expect(b.event.type).toBe('shop.shipping.shipment.created');
    expect(b.event.data.shipmentId).toBe(a.event.data.shipmentId);
    expect(b.event.id).toBe(replyEventId(second.id));
    expect(b.event.id).not.toBe(a.event.id);
  });
});

describe('cancel', () => {
  it('cancels a pending shipment, then answers already_cancelled; a create after that is refused', async () => {
    const orderId = newOrder();
    const create = createCommand(orderId);
    const cancel = cancelCommand(orderId);
    const again = cancelCommand(orderId);
    await producer.publish([create, cancel, again]);
    const created = await replyTo(create);
    expect((await replyTo(cancel)).event).toMatchObject({ type: 'shop.shipping.shipment.cancelled', id: replyEventId(cancel.id), data: { orderId, outcome: 'cancelled', shipmentId: created.event.data.shipmentId } });
    expect((await replyTo(again)).event.data.outcome).toBe('already_cancelled');
    expect(await shipmentRow(orderId)).toMatchObject({ status: 'cancelled', cancel_reason: 'payment_declined' });
    const late = createCommand(orderId);
    await producer.publish([late]);
    expect((await replyTo(late)).event).toMatchObject({ type: 'shop.shipping.shipment.creation-failed', data: { reason: 'shipment_cancelled' } });
  });

  it('a cancel before any create answers not_found and makes a late create fail with shipment_cancelled', async () => {
    const orderId = newOrder();
    const cancel = cancelCommand(orderId, 'step_timeout');
    const late = createCommand(orderId);
    await producer.publish([cancel, late]);
    const reply = await replyTo(cancel);
    expect(reply.event).toMatchObject({ type: 'shop.shipping.shipment.cancelled', data: { orderId, outcome: 'not_found' } });
    expect(reply.event.data.shipmentId).toBeUndefined();
    expect((await replyTo(late)).event).toMatchObject({ type: 'shop.shipping.shipment.creation-failed', data: { orderId, reason: 'shipment_cancelled' } });
    expect(await shipmentRow(orderId)).toBeUndefined();
  });

  it('order.cancelled cancels a pending shipment; for an order without one, a later create is refused', async () => {
    const orderId = newOrder();
    const create = createCommand(orderId);
    await producer.publish([create]);
    await replyTo(create);
    await producer.publish([orderCancelled(orderId)]);
    await waitFor('shipment cancelled by the order', async () => (await shipmentRow(orderId))?.status === 'cancelled', { timeoutMs: 30_000 });
    expect((await shipmentRow(orderId))?.cancel_reason).toBe('declined');

    const other = newOrder();
    await producer.publish([orderCancelled(other)]);
    await waitFor('cancelled order remembered', async () => (await count(f.pool, 'SELECT count(*) AS n FROM cancelled_orders WHERE order_id = $1', [other])) === 1, { timeoutMs: 30_000 });
    const late = createCommand(other);
    await producer.publish([late]);
    expect((await replyTo(late)).event.data.reason).toBe('shipment_cancelled');
  });
});

describe('delivery progress', () => {
  it('order.confirmed starts the journey: dispatched, in transit and delivered facts in order; a cancel then is too late', async () => {
    const orderId = newOrder();
    const create = createCommand(orderId);
    await producer.publish([create]);
    const shipmentId = (await replyTo(create)).event.data.shipmentId!;
    // Not confirmed yet: the ticker leaves it alone.
    await f.app.progressTicker.tick();
    expect((await shipmentRow(orderId))?.status).toBe('pending');

    await producer.publish([orderConfirmed(orderId, shipmentId)]);
    const facts = await waitFor('delivered', () => {
      const found = factsFor(orderId);
      return found.some((r) => r.event.type === 'shop.shipping.shipment.delivered') && found;
    }, { timeoutMs: 30_000 });
    expect(facts.map((r) => r.event.type)).toEqual(['shop.shipping.shipment.dispatched', 'shop.shipping.shipment.in-transit', 'shop.shipping.shipment.delivered']);
    expect(facts.map((r) => r.event.id)).toEqual([progressEventId(shipmentId, 'dispatched'), progressEventId(shipmentId, 'in_transit'), progressEventId(shipmentId, 'delivered')]);
    expect(facts.every((r) => r.key === orderId)).toBe(true);
    const delivered = facts[2]!.event;
    expect(delivered.data).toMatchObject({ orderId, shipmentId, carrier: 'DHL', method: 'standard', destinationCountry: 'DE', onTime: true });
    expect(delivered.data.deliverySeconds).toBeGreaterThanOrEqual(0.3);

    const res = await f.app.inject({ method: 'GET', url: `/shipments/${shipmentId}`, headers: f.customer });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ status: string; tracking: { status: string }[]; dispatchedAt: string | null; deliveredAt: string | null }>();
    expect(body.status).toBe('delivered');
    expect(body.tracking.map((t) => t.status)).toEqual(['pending', 'dispatched', 'in_transit', 'delivered']);
    expect(body.dispatchedAt && body.deliveredAt).toBeTruthy();
    expect(await f.metric('shop_shipments_delivered_total', { on_time: 'true' })).toBeGreaterThanOrEqual(1);
    expect(await f.metric('shop_shipments_in_state', { state: 'delivered' })).toBeGreaterThanOrEqual(1);

    const tooLate = cancelCommand(orderId);
    await producer.publish([tooLate]);
    expect((await replyTo(tooLate)).event.data).toMatchObject({ outcome: 'already_dispatched', shipmentId });
    expect((await shipmentRow(orderId))?.status).toBe('delivered');
  });
});

describe('poison messages', () => {
  it('dead-letters unparseable, invalid and unexpected messages with the reason and keeps consuming', async () => {
    const orderId = newOrder();
    const invalid = { ...createCommand(orderId), data: { orderId, items: [], destination: { country: 'de' }, method: 'teleport', weightGrams: -1 } };
    const wrongType = makeEvent('shop.shipping.shipment.cancelled', orderId, { orderId, commandId: randomUUID(), outcome: 'not_found' }, { source, now });
    await produceRaw(brokers, commandsTopic, [
      { key: orderId, value: 'this is not json' },
      { key: orderId, value: JSON.stringify(invalid) },
      { key: orderId, value: JSON.stringify(wrongType) },
    ]);
    const next = createCommand(orderId);
    await producer.publish([next]);
    expect((await replyTo(next)).event.type).toBe('shop.shipping.shipment.created');
    const deadLetters = await waitFor('three dead letters', () => {
      const found = collector.records.filter((r) => r.topic === deadLetterTopic && r.key === orderId);
      return found.length >= 3 && found;
    }, { timeoutMs: 30_000 });
    expect(deadLetters.map((r) => r.headers['dlq-reason'])).toEqual(['unparseable', 'invalid-payload', 'handler-rejected']);
    expect(deadLetters[2]?.headers['dlq-detail']).toContain('does not handle shop.shipping.shipment.cancelled');
    expect(deadLetters.every((r) => r.headers['dlq-original-topic'] === commandsTopic)).toBe(true);
  });
});
