import type { ShopEvent } from '@shopwatch/contracts';
import { type Collector, produceRaw, startCollector, waitFor } from '@shopwatch/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleOnce, inboxMetrics, type InboxMetrics } from '../../src/inbox/index.ts';
import { createEventProducer, startEventConsumer, type EventConsumer, type EventProducer } from '../../src/kafka/index.ts';
import { createTestTopics, productViewed, type TestTopics } from '../kafka/fixtures.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../outbox/database.ts';

let db: MigratedDatabase;
let topics: TestTopics;
let producer: EventProducer;
let deadLetters: Collector;
let consumer: EventConsumer | undefined;
const registry = new Registry();
let metrics: InboxMetrics;
const groupId = `inbox-test-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  db = await createMigratedDatabase('inbox');
  // The effect under test: a per-product view counter, as an analytics consumer would keep.
  await db.pool.query('CREATE TABLE product_views (product_id text PRIMARY KEY, views int NOT NULL)');
  topics = await createTestTopics('inbox', 3);
  producer = createEventProducer({ client: topics.client, registry: new Registry(), topicOf: () => topics.topic });
  await producer.connect();
  deadLetters = await startCollector(topics.brokers, [topics.deadLetterTopic]);
  metrics = inboxMetrics(registry);
});

afterAll(async () => {
  await consumer?.stop();
  await deadLetters?.stop();
  await producer?.disconnect();
  await db?.close();
  await topics?.cleanup();
});

function countView(event: ShopEvent) {
  return handleOnce(
    db.pool,
    groupId,
    event,
    (client) =>
      client.query(
        `INSERT INTO product_views (product_id, views) VALUES ($1, 1)
         ON CONFLICT (product_id) DO UPDATE SET views = product_views.views + 1`,
        [event.subject],
      ),
    metrics,
  );
}

async function views(): Promise<Map<string, number>> {
  const { rows } = await db.pool.query<{ product_id: string; views: number }>('SELECT product_id, views FROM product_views');
  return new Map(rows.map((row) => [row.product_id, row.views]));
}

async function counter(name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.filter((v) => v.labels['consumer_group'] === groupId).reduce((sum, v) => sum + v.value, 0) ?? 0;
}

describe('inbox', () => {
  it('applies the effect once when the same event is handled twice, and counts the duplicate', async () => {
    const event = productViewed('direct-1');
    expect((await countView(event)).status).toBe('handled');
    expect(await countView(event)).toEqual({ status: 'duplicate' });
    expect((await views()).get('direct-1')).toBe(1);
    await db.pool.query('DELETE FROM product_views');
  });

  it('lets concurrent deliveries of one event apply it once', async () => {
    const event = productViewed('direct-2');
    const outcomes = await Promise.all([countView(event), countView(event), countView(event)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['duplicate', 'duplicate', 'handled']);
    expect((await views()).get('direct-2')).toBe(1);
    await db.pool.query('DELETE FROM product_views');
  });

  it('records nothing when the effect fails, so the retry applies it', async () => {
    const event = productViewed('direct-3');
    await expect(
      handleOnce(db.pool, groupId, event, () => Promise.reject(new Error('effect failed'))),
    ).rejects.toThrow('effect failed');
    expect((await countView(event)).status).toBe('handled');
    expect((await views()).get('direct-3')).toBe(1);
    await db.pool.query('DELETE FROM product_views');
    await db.pool.query('DELETE FROM inbox');
  });

  it('through Kafka: every message delivered twice is applied once; malformed messages are dead-lettered and the consumer keeps going', async () => {
    const handledBefore = await counter('inbox_events_handled_total');
    const duplicatesBefore = await counter('inbox_duplicates_skipped_total');
    consumer = await startEventConsumer({
      client: topics.client,
      groupId,
      topics: [topics.topic],
      registry,
      fromBeginning: true,
      deadLetterTopic: topics.deadLetterTopic,
      handler: async (event) => {
        await countView(event);
      },
    });
    const events = Array.from({ length: 300 }, (_, n) => productViewed(`kafka-${n % 30}`));
    await producer.publish(events.slice(0, 150));
    // Malformed messages in the middle of the stream, on every partition (keys spread them).
    await produceRaw(topics.brokers, topics.topic, [
      { key: 'kafka-0', value: Buffer.from([0xfe, 0xff, 0x01]) },
      { key: 'kafka-1', value: '{"not": "closed"' },
      { key: 'kafka-2', value: JSON.stringify({ ...productViewed('kafka-2'), data: { productId: ['x'] } }) },
    ]);
    await producer.publish(events.slice(150));
    // Every message a second time, as a redelivery after a crash or a relay takeover would.
    await producer.publish(events);

    await waitFor(
      'each event handled once and skipped once',
      async () =>
        (await counter('inbox_events_handled_total')) - handledBefore === 300 &&
        (await counter('inbox_duplicates_skipped_total')) - duplicatesBefore === 300,
      { timeoutMs: 60_000 },
    );
    const counts = await views();
    expect(counts.size).toBe(30);
    for (const [product, count] of counts) expect(count, product).toBe(10);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE consumer_group = $1', [groupId]);
    expect(rows[0]?.n).toBe(300);

    const letters = await waitFor('three dead letters', () => deadLetters.records.length >= 3 && deadLetters.records);
    expect(letters.map((record) => record.headers['dlq-reason']).sort()).toEqual(['invalid-payload', 'unparseable', 'unparseable']);
    expect(letters.every((record) => record.headers['dlq-original-topic'] === topics.topic)).toBe(true);
  });
});
