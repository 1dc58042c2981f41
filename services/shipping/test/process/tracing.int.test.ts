// One trace follows an order through shipping: a create command carrying the orchestrator's trace
// context is handled in that trace (consumer span, PostgreSQL spans), and the reply published
// later by the outbox relay carries the same trace id in its `traceparent` header.
import { makeEvent } from '@shopwatch/contracts';
import { createKafkaClient, deleteTopics, ensureTopics, type KafkaClient } from '@shopwatch/platform';
import { type Collector, createTestDatabase, infraEnv, type OtlpReceiver, produceRaw, startCollector, startOtlpReceiver, type TestDatabase, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnShipping, type ShippingProcess } from '../support/shipping-process.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.shipping-tracing');
const topics = { COMMANDS_TOPIC: `${base}.commands`, EVENTS_TOPIC: `${base}.events`, ORDERS_EVENTS_TOPIC: `${base}.orders` };
let db: TestDatabase;
let shipping: ShippingProcess | undefined;
let receiver: OtlpReceiver | undefined;
let client: KafkaClient;
let collector: Collector | undefined;

beforeAll(async () => {
  db = await createTestDatabase('shipping-tracing');
  client = createKafkaClient({ brokers, clientId: 'shipping-tracing-test' });
  await ensureTopics(client, Object.values(topics).map((topic) => ({ topic, partitions: 1 })));
  receiver = await startOtlpReceiver();
  shipping = await spawnShipping(db.url, {
    ...topics,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Root sampling 0: only the orchestrator's sampled flag makes this trace recorded.
    OTEL_TRACES_SAMPLER_ARG: '0',
    CONSUMER_GROUP: `${base}-group`,
  });
  collector = await startCollector(brokers, [topics.EVENTS_TOPIC]);
}, 90_000);

afterAll(async () => {
  shipping?.child.kill('SIGTERM');
  await shipping?.exited;
  await collector?.stop();
  await receiver?.close();
  if (client) await deleteTopics(client, Object.values(topics));
  await db?.drop();
});

it('handles a create in the caller’s trace and publishes the reply with it', async () => {
  const traceId = '7c1e0a9b3d5f4e2a8b6c4d2e0f1a3b5c';
  const orderId = `order-${base}`;
  const create = makeEvent(
    'shop.shipping.shipment.create',
    orderId,
    { orderId, items: [{ productId: 'p', quantity: 1 }], destination: { country: 'NL', postalCode: '1012 AB', city: 'Amsterdam' }, method: 'standard', weightGrams: 900 },
    { source: '/services/orders', now: () => new Date() },
  );
  await produceRaw(brokers, topics.COMMANDS_TOPIC, [{ key: orderId, value: JSON.stringify(create), headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } }]);

  const reply = await waitFor('the reply', () => collector?.records.find((r) => r.key === orderId), { timeoutMs: 30_000 });
  expect(JSON.parse(reply.text ?? '{}')).toMatchObject({ type: 'shop.shipping.shipment.created' });
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
