// One trace follows an order through inventory: a command carrying the orchestrator's trace
// context is handled in that trace (consumer span, PostgreSQL spans), and the reply published
// later by the outbox relay carries the same trace id in its `traceparent` header.
import { makeEvent } from '@shopwatch/contracts';
import { createKafkaClient, createPool, deleteTopics, ensureTopics, type KafkaClient } from '@shopwatch/platform';
import { type Collector, createTestDatabase, infraEnv, type OtlpReceiver, produceRaw, startCollector, startOtlpReceiver, type TestDatabase, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateInventory } from '../../src/migrate.ts';
import { spawnInventory, type InventoryProcess } from '../support/inventory-process.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.inventory-tracing');
const topics = { commands: `${base}.commands`, events: `${base}.events` };
let db: TestDatabase;
let inventory: InventoryProcess | undefined;
let receiver: OtlpReceiver | undefined;
let client: KafkaClient;
let collector: Collector | undefined;
const productId = crypto.randomUUID();

beforeAll(async () => {
  db = await createTestDatabase('inventory-tracing');
  await migrateInventory(db.url);
  const pool = createPool({ connectionString: db.url, max: 1 });
  await pool.query('INSERT INTO stock (product_id, on_hand) VALUES ($1, 5)', [productId]);
  await pool.end();
  client = createKafkaClient({ brokers, clientId: 'inventory-tracing-test' });
  await ensureTopics(client, [{ topic: topics.commands, partitions: 1 }, { topic: topics.events, partitions: 1 }]);
  receiver = await startOtlpReceiver();
  inventory = await spawnInventory(db.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Root sampling 0: only the orchestrator's sampled flag makes this trace recorded.
    OTEL_TRACES_SAMPLER_ARG: '0',
    COMMANDS_TOPIC: topics.commands,
    EVENTS_TOPIC: topics.events,
    CONSUMER_GROUP: `${base}-group`,
  });
  collector = await startCollector(brokers, [topics.events]);
}, 90_000);

afterAll(async () => {
  inventory?.child.kill('SIGTERM');
  await inventory?.exited;
  await collector?.stop();
  await receiver?.close();
  if (client) await deleteTopics(client, Object.values(topics));
  await db?.drop();
});

it('handles a command in the caller’s trace and publishes the reply with it', async () => {
  const traceId = '5af7183fc1d94e7cb9e2a6d4f0c3b812';
  const orderId = crypto.randomUUID();
  const reserve = makeEvent(
    'shop.inventory.stock.reserve',
    orderId,
    { orderId, items: [{ productId, quantity: 1 }], expiresAt: new Date(Date.now() + 600_000).toISOString() },
    { source: '/services/orders', now: () => new Date() },
  );
  await produceRaw(brokers, topics.commands, [{ key: orderId, value: JSON.stringify(reserve), headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } }]);

  const reply = await waitFor('the reply', () => collector?.records.find((r) => r.key === orderId), { timeoutMs: 30_000 });
  expect(JSON.parse(reply.text ?? '{}')).toMatchObject({ type: 'shop.inventory.stock.reserved' });
  expect(reply.headers['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

  const spans = await waitFor(
    'the consumer span and a PostgreSQL span in the trace',
    () => {
      const mine = (receiver?.spans() ?? []).filter((s) => s.traceId === traceId);
      const consumer = mine.find((s) => s.parentSpanId === '00f067aa0ba902b7');
      return consumer && mine.some((s) => s.parentSpanId === consumer.spanId) ? mine : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  expect(spans.length).toBeGreaterThanOrEqual(2);
});
