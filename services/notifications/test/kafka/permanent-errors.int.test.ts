// notifications under the platform's one error classifier, over real Kafka and PostgreSQL: an
// event PostgreSQL refuses as data (SQLSTATE class 22) is dead-lettered with its SQLSTATE at once
// instead of holding its partition, and the next event on the partition is handled.
import { makeEvent } from '@shopwatch/contracts';
import { createEventProducer, createKafkaClient, deleteTopics, ensureTopics, startEventConsumer, type EventConsumer, type EventProducer, type KafkaClient } from '@shopwatch/platform';
import { type Collector, infraEnv, startCollector, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventHandler } from '../../src/plugins/event-handler.ts';
import { notificationsOf, startNotifications, type NotificationsFixture } from '../support/notifications-fixture.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.notifications-permanent');
const ordersTopic = `${base}.orders`;
const deadLetterTopic = `${base}.deadletter`;
const group = `${base}-group`;

let f: NotificationsFixture;
let client: KafkaClient;
let producer: EventProducer;
let consumer: EventConsumer;
let collector: Collector;

beforeAll(async () => {
  client = createKafkaClient({ brokers, clientId: 'notifications-permanent-test' });
  // One partition: "the partition keeps flowing" is about the very next message in the same log.
  await ensureTopics(client, [ordersTopic, deadLetterTopic].map((topic) => ({ topic, partitions: 1 })));
  f = await startNotifications({ consumerGroup: group });
  collector = await startCollector(brokers, [deadLetterTopic]);
  producer = createEventProducer({ client, registry: f.app.metrics.registry, topicOf: () => ordersTopic });
  await producer.connect();
  consumer = await startEventConsumer({
    client,
    groupId: group,
    topics: [ordersTopic],
    registry: f.app.metrics.registry,
    fromBeginning: true,
    deadLetterTopic,
    retry: { initialDelayMs: 20, maxDelayMs: 200 },
    handler: createEventHandler({ pool: f.pool, consumerGroup: group, metrics: f.app.notificationsMetrics, now: () => new Date() }),
  });
});

afterAll(async () => {
  await consumer?.stop();
  await producer?.disconnect();
  await collector?.stop();
  if (client) await deleteTopics(client, [ordersTopic, deadLetterTopic]);
  await f?.close();
});

const placed = (orderId: string, userId: string) =>
  makeEvent('shop.orders.order.placed', orderId, { orderId, userId, items: [{ productId: 'p-1', quantity: 1, unitPriceCents: 1999 }], totalCents: 1999, currency: 'EUR' }, { source: '/services/orders', now: () => new Date() });

describe('permanent errors never block a partition', () => {
  it('an event PostgreSQL refuses (SQLSTATE 22021, a NUL in the order id) is dead-lettered with the SQLSTATE; the next event is handled', async () => {
    // Valid for the contract (order ids are any 1–100 characters), refused by PostgreSQL's text type on every try.
    const poison = placed(`order-\u0000-${Date.now().toString(36)}`, 'user-poison');
    const nextOrder = `order-after-poison-${Date.now().toString(36)}`;
    await producer.publish([poison, placed(nextOrder, 'user-next')]);
    await waitFor('the next event stored its notification', async () => (await notificationsOf(f.pool, nextOrder)).length > 0, { timeoutMs: 45_000 });
    const letter = await waitFor('the poison event dead-lettered', () => collector.records.find((r) => r.text?.includes(poison.id)), { timeoutMs: 30_000 });
    expect(letter.headers['dlq-reason']).toBe('handler-rejected');
    expect(letter.headers['dlq-detail']).toContain('SQLSTATE 22021');
    expect(letter.headers['dlq-original-topic']).toBe(ordersTopic);
    expect(consumer.health()).toEqual({ ok: true, detail: 'running' });
  });
});
