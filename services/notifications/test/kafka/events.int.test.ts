// notifications over real Kafka and PostgreSQL: order and shipment facts in, one notification per
// channel out through the simulated channels, retries with backoff, dead-lettering after the last
// attempt, duplicates without a second notification, poison messages dead-lettered while the
// consumer carries on. Topics are unique to this file.
import { randomUUID } from 'node:crypto';
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import {
  createEventProducer,
  createKafkaClient,
  deleteTopics,
  ensureTopics,
  inboxMetrics,
  startEventConsumer,
  type EventConsumer,
  type EventProducer,
  type KafkaClient,
} from '@shopwatch/platform';
import { type Collector, infraEnv, produceRaw, startCollector, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventHandler } from '../../src/plugins/event-handler.ts';
import { notificationsOf, startNotifications, type NotificationsFixture } from '../support/notifications-fixture.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.notifications');
const ordersTopic = `${base}.orders`;
const shippingTopic = `${base}.shipping`;
const deadLetterTopic = `${base}.deadletter`;
const group = `${base}-group`;
const allTopics = [ordersTopic, shippingTopic, deadLetterTopic];
const MAX_ATTEMPTS = 5;

let f: NotificationsFixture;
let client: KafkaClient;
let producer: EventProducer;
let deadLetters: EventProducer;
let consumer: EventConsumer;
let collector: Collector;

beforeAll(async () => {
  client = createKafkaClient({ brokers, clientId: 'notifications-events-test' });
  await ensureTopics(client, allTopics.map((topic) => ({ topic, partitions: 1 })));
  f = await startNotifications({
    retry: { maxAttempts: MAX_ATTEMPTS, initialDelayMs: 20, maxDelayMs: 100 },
    consumerGroup: group,
    deadLetter: (message) => deadLetters.deadLetter(message),
  });
  deadLetters = createEventProducer({ client, registry: f.app.metrics.registry, deadLetterTopic });
  await deadLetters.connect();
  collector = await startCollector(brokers, [deadLetterTopic]);
  producer = createEventProducer({ client, registry: f.app.metrics.registry, topicOf: (event) => (event.type.startsWith('shop.orders.') ? ordersTopic : shippingTopic) });
  await producer.connect();
  consumer = await startEventConsumer({
    client,
    groupId: group,
    topics: [ordersTopic, shippingTopic],
    registry: f.app.metrics.registry,
    fromBeginning: true,
    deadLetterTopic,
    partitionsConsumedConcurrently: 2,
    retry: { initialDelayMs: 20, maxDelayMs: 200 },
    handler: createEventHandler({
      pool: f.pool,
      consumerGroup: group,
      metrics: f.app.notificationsMetrics,
      now: () => new Date(),
      inboxMetrics: inboxMetrics(f.app.metrics.registry),
      onStored: () => f.app.dispatcher.wake(),
    }),
  });
  f.app.dispatcher.start(50);
});

afterAll(async () => {
  await consumer?.stop();
  await f?.app.dispatcher.stop();
  await producer?.disconnect();
  await deadLetters?.disconnect();
  await collector?.stop();
  if (client) await deleteTopics(client, allTopics);
  await f?.close();
});

const source = '/services/orders';
const now = () => new Date();
let n = 0;
const newOrder = () => `order-${++n}-${Date.now().toString(36)}`;
const placed = (orderId: string, userId: string) =>
  makeEvent('shop.orders.order.placed', orderId, { orderId, userId, items: [{ productId: 'p-1', quantity: 1, unitPriceCents: 1999 }], totalCents: 1999, currency: 'EUR' }, { source, now });
const confirmed = (orderId: string, userId: string) =>
  makeEvent('shop.orders.order.confirmed', orderId, { orderId, userId, totalCents: 1999, currency: 'EUR', paymentId: randomUUID(), shipmentId: randomUUID(), checkoutSeconds: 0.8 }, { source, now });
const cancelled = (orderId: string, userId: string) =>
  makeEvent('shop.orders.order.cancelled', orderId, { orderId, userId, reason: 'out_of_stock', failedStep: 'reserve_stock', totalCents: 1999, currency: 'EUR' }, { source, now });
const progress = { carrier: 'DHL', method: 'standard' as const, destinationCountry: 'DE' };
const dispatched = (orderId: string) => makeEvent('shop.shipping.shipment.dispatched', orderId, { orderId, shipmentId: randomUUID(), ...progress }, { source: '/services/shipping', now });
const delivered = (orderId: string) => makeEvent('shop.shipping.shipment.delivered', orderId, { orderId, shipmentId: randomUUID(), ...progress, deliverySeconds: 12, onTime: true }, { source: '/services/shipping', now });

const allSettled = (orderId: string, count: number) =>
  waitFor(`${count} settled notifications for ${orderId}`, async () => {
    const rows = await notificationsOf(f.pool, orderId);
    return rows.length === count && rows.every((r) => r.status !== 'pending') && rows;
  }, { timeoutMs: 30_000 });

describe('events → notifications', () => {
  it('sends one notification per channel of each milestone to the order user, visible in their history', async () => {
    const orderId = newOrder();
    const userId = `user-${orderId}`;
    const reply = makeEvent('shop.shipping.shipment.created', orderId, { orderId, commandId: randomUUID(), shipmentId: randomUUID(), carrier: 'DHL', method: 'standard', costCents: 495, currency: 'EUR', estimatedDeliveryAt: new Date().toISOString() }, { source: '/services/shipping', now });
    const sentBefore = await f.metric('shop_notifications_total', { channel: 'push', outcome: 'sent' });
    await producer.publish([placed(orderId, userId), confirmed(orderId, userId), reply]);
    await producer.publish([dispatched(orderId), delivered(orderId)]);
    const rows = await allSettled(orderId, 1 + 2 + 2 + 3);
    expect(rows.every((r) => r.status === 'sent' && r.user_id === userId && r.attempts === 1)).toBe(true);
    expect(rows.map((r) => `${r.template}:${r.channel}`).sort()).toEqual(
      ['order_placed:email', 'order_confirmed:email', 'order_confirmed:push', 'shipment_dispatched:email', 'shipment_dispatched:push', 'shipment_delivered:email', 'shipment_delivered:push', 'shipment_delivered:sms'].sort(),
    );
    expect(await f.metric('shop_notifications_total', { channel: 'push', outcome: 'sent' })).toBe(sentBefore + 3);

    const res = await f.app.inject({ method: 'GET', url: `/notifications?orderId=${orderId}`, headers: await f.token(userId) });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: { status: string; attempts: number; channel: string; sentAt: string | null; userId: string }[] }>();
    expect(body.items).toHaveLength(8);
    expect(body.items.every((i) => i.status === 'sent' && i.attempts === 1 && i.sentAt !== null && i.userId === userId)).toBe(true);
    const stranger = await f.app.inject({ method: 'GET', url: `/notifications?orderId=${orderId}`, headers: await f.token('someone-else') });
    expect(stranger.json<{ items: unknown[] }>().items).toHaveLength(0);
  });

  it('a shipment fact that arrives before the order is known waits for its recipient, then goes out', async () => {
    const orderId = newOrder();
    const userId = `user-${orderId}`;
    await producer.publish([dispatched(orderId)]);
    const waiting = await waitFor('stored without recipient', async () => {
      const rows = await notificationsOf(f.pool, orderId);
      return rows.length === 2 && rows;
    }, { timeoutMs: 30_000 });
    expect(waiting.every((r) => r.user_id === null && r.status === 'pending' && r.attempts === 0)).toBe(true);
    await producer.publish([placed(orderId, userId)]);
    const rows = await allSettled(orderId, 3);
    expect(rows.every((r) => r.status === 'sent' && r.user_id === userId)).toBe(true);
  });

  it('the same event delivered twice makes one notification per channel', async () => {
    const orderId = newOrder();
    const event = cancelled(orderId, 'user-dup');
    const duplicatesBefore = await f.metric('inbox_duplicates_skipped_total');
    await producer.publish([event]);
    await producer.publish([event]);
    const sentinel = newOrder();
    await producer.publish([placed(sentinel, 'user-dup')]);
    await allSettled(sentinel, 1);
    const rows = await allSettled(orderId, 3);
    expect(rows.map((r) => r.channel).sort()).toEqual(['email', 'push', 'sms']);
    expect(await f.metric('inbox_duplicates_skipped_total')).toBe(duplicatesBefore + 1);
  });
});

describe('failing channels', () => {
  it('a failing channel is retried with backoff while the others are sent; once it recovers, it is sent', async () => {
    const orderId = newOrder();
    f.faults.notifications.sms.failureRate = 1;
    try {
      await producer.publish([cancelled(orderId, 'user-retry')]);
      // The third attempt has been claimed: the first two failed.
      await waitFor('sms on its third attempt', async () => (await notificationsOf(f.pool, orderId)).find((r) => r.channel === 'sms' && r.attempts >= 3), { timeoutMs: 30_000 });
      const others = (await notificationsOf(f.pool, orderId)).filter((r) => r.channel !== 'sms');
      expect(others.map((r) => [r.status, r.attempts])).toEqual([['sent', 1], ['sent', 1]]);
    } finally {
      f.faults.notifications.sms.failureRate = 0;
    }
    const rows = await allSettled(orderId, 3);
    const sms = rows.find((r) => r.channel === 'sms')!;
    expect(sms.status).toBe('sent');
    expect(sms.attempts).toBeGreaterThanOrEqual(3);
    expect(sms.attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
    expect(await f.metric('shop_notification_attempts_total', { channel: 'sms', outcome: 'error' })).toBeGreaterThanOrEqual(2);
  });

  it('a channel that always fails is marked failed after the last attempt and dead-lettered as retries-exhausted', async () => {
    const orderId = newOrder();
    const event = confirmed(orderId, 'user-dlq');
    const deadBefore = await f.metric('shop_notifications_total', { channel: 'push', outcome: 'dead_lettered' });
    f.faults.notifications.push.failureRate = 1;
    try {
      await producer.publish([event]);
      const rows = await allSettled(orderId, 2);
      expect(rows.find((r) => r.channel === 'email')).toMatchObject({ status: 'sent', attempts: 1 });
      expect(rows.find((r) => r.channel === 'push')).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, failure_reason: 'retries-exhausted' });
    } finally {
      f.faults.notifications.push.failureRate = 0;
    }
    const record = await waitFor('dead-letter record', () => collector.records.find((r) => r.topic === deadLetterTopic && r.key === orderId), { timeoutMs: 30_000 });
    expect(record.headers['dlq-reason']).toBe('retries-exhausted');
    expect(record.headers['dlq-original-topic']).toBe(ordersTopic);
    expect(record.headers['dlq-consumer-group']).toBe(group);
    expect(record.headers['notification-channel']).toBe('push');
    expect(record.headers['dlq-detail']).toContain(`failed ${MAX_ATTEMPTS} attempt(s)`);
    expect((JSON.parse(record.text!) as ShopEvent).id).toBe(event.id);
    expect(await f.metric('shop_notifications_total', { channel: 'push', outcome: 'dead_lettered' })).toBe(deadBefore + 1);
    await waitFor('dead letter marked published', async () => (await f.pool.query('SELECT 1 FROM notifications WHERE dead_letter_pending')).rowCount === 0);
    const res = await f.app.inject({ method: 'GET', url: `/notifications?orderId=${orderId}&status=failed`, headers: await f.token('admin', 'admin') });
    expect(res.json()).toMatchObject({ items: [{ channel: 'push', status: 'failed', attempts: MAX_ATTEMPTS, failureReason: 'retries-exhausted' }] });
  });
});

describe('poison messages', () => {
  it('dead-letters unparseable, invalid and foreign messages with the reason and keeps consuming', async () => {
    const orderId = newOrder();
    const invalid = { ...placed(orderId, 'u'), data: { orderId, userId: '', items: [], totalCents: -1, currency: 'euro' } };
    const foreign = makeEvent('shop.payments.payment.voided', orderId, { orderId, commandId: randomUUID() }, { source: '/services/payments', now });
    await produceRaw(brokers, ordersTopic, [
      { key: orderId, value: '{"not": "an event"' },
      { key: orderId, value: JSON.stringify(invalid) },
      { key: orderId, value: JSON.stringify(foreign) },
    ]);
    await producer.publish([placed(orderId, 'user-after-poison')]);
    await allSettled(orderId, 1);
    const records = await waitFor('three dead letters', () => {
      const found = collector.records.filter((r) => r.topic === deadLetterTopic && r.key === orderId);
      return found.length >= 3 && found;
    }, { timeoutMs: 30_000 });
    expect(records.map((r) => r.headers['dlq-reason'])).toEqual(['unparseable', 'invalid-payload', 'handler-rejected']);
    expect(records[2]?.headers['dlq-detail']).toContain('does not handle shop.payments.payment.voided');
  });
});
