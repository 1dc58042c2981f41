// shipping under the platform's one error classifier, over real Kafka and PostgreSQL: a command
// PostgreSQL refuses as data (SQLSTATE class 22) is dead-lettered with its SQLSTATE at once
// instead of holding its partition, and the next command on the partition is handled.
import { makeEvent } from '@shopwatch/contracts';
import { createKafkaClient, createEventProducer, deleteTopics, ensureTopics, startEventConsumer, type EventConsumer, type EventProducer, type KafkaClient } from '@shopwatch/platform';
import { type Collector, infraEnv, startCollector, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler } from '../../src/plugins/command-handler.ts';
import { count, startShipping, type ShippingFixture } from '../support/shipping-fixture.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.shipping-permanent');
const commandsTopic = `${base}.commands`;
const deadLetterTopic = `${base}.deadletter`;
const group = `${base}-group`;

let f: ShippingFixture;
let client: KafkaClient;
let producer: EventProducer;
let consumer: EventConsumer;
let collector: Collector;

beforeAll(async () => {
  f = await startShipping({ eventsTopic: `${base}.events` });
  client = createKafkaClient({ brokers, clientId: 'shipping-permanent-test' });
  // One partition: "the partition keeps flowing" is about the very next message in the same log.
  await ensureTopics(client, [commandsTopic, deadLetterTopic].map((topic) => ({ topic, partitions: 1 })));
  collector = await startCollector(brokers, [deadLetterTopic]);
  producer = createEventProducer({ client, registry: f.app.metrics.registry, topicOf: () => commandsTopic });
  await producer.connect();
  consumer = await startEventConsumer({
    client,
    groupId: group,
    topics: [commandsTopic],
    registry: f.app.metrics.registry,
    fromBeginning: true,
    deadLetterTopic,
    retry: { initialDelayMs: 20, maxDelayMs: 200 },
    handler: createCommandHandler({ pool: f.pool, operations: f.app.shipping, consumerGroup: group }),
  });
});

afterAll(async () => {
  await consumer?.stop();
  await producer?.disconnect();
  await collector?.stop();
  if (client) await deleteTopics(client, [commandsTopic, deadLetterTopic]);
  await f?.close();
});

const create = (orderId: string) =>
  makeEvent(
    'shop.shipping.shipment.create',
    orderId,
    { orderId, items: [{ productId: 'p-1', quantity: 1 }], destination: { country: 'DE', postalCode: '10115', city: 'Berlin' }, method: 'standard', weightGrams: 500 },
    { source: '/services/orders', now: () => new Date() },
  );

describe('permanent errors never block a partition', () => {
  it('a create PostgreSQL refuses (SQLSTATE 22021, a NUL in the order id) is dead-lettered with the SQLSTATE; the next create is handled', async () => {
    // Valid for the contract (order ids are any 1–100 characters), refused by PostgreSQL's text type on every try.
    const poison = create(`order-\u0000-${Date.now().toString(36)}`);
    const nextOrder = `order-after-poison-${Date.now().toString(36)}`;
    await producer.publish([poison, create(nextOrder)]);
    await waitFor('the next create handled', async () => (await count(f.pool, 'SELECT count(*) AS n FROM shipments WHERE order_id = $1', [nextOrder])) === 1, { timeoutMs: 45_000 });
    const letter = await waitFor('the poison create dead-lettered', () => collector.records.find((r) => r.text?.includes(poison.id)), { timeoutMs: 30_000 });
    expect(letter.headers['dlq-reason']).toBe('handler-rejected');
    expect(letter.headers['dlq-detail']).toContain('SQLSTATE 22021');
    expect(letter.headers['dlq-original-topic']).toBe(commandsTopic);
    expect(consumer.health()).toEqual({ ok: true, detail: 'running' });
  });
});
