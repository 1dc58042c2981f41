// One trace follows an order through shipping: a create command carrying the orchestrator's trace
// context is handled in that trace (consumer span, PostgreSQL spans), and the reply published
// later by the outbox relay carries the same trace id in its `traceparent` header. The delivery
// facts the ticker publishes later continue the trace of the order's confirmation.
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
    TICK_INTERVAL_MS: '100',
    DISPATCH_AFTER_MS: '50',
    IN_TRANSIT_AFTER_MS: '50',
    DELIVERED_AFTER_MS: '50',
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

it('publishes the delivery facts in the trace of the order confirmation', async () => {
  const traceId = '0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b';
  const orderId = `order-${base}-delivered`;
  const create = makeEvent(
    'shop.shipping.shipment.create',
    orderId,
    { orderId, items: [{ productId: 'p', quantity: 1 }], destination: { country: 'BE', postalCode: '1000', city: 'Brussels' }, method: 'express', weightGrams: 400 },
    { source: '/services/orders', now: () => new Date() },
  );
  await produceRaw(brokers, topics.COMMANDS_TOPIC, [{ key: orderId, value: JSON.stringify(create) }]);
  const created = await waitFor('created', () => collector?.records.find((r) => r.key === orderId), { timeoutMs: 30_000 });
  const shipmentId = (JSON.parse(created.text ?? '{}') as { data: { shipmentId: string } }).data.shipmentId;
  const confirmed = makeEvent(
    'shop.orders.order.confirmed',
    orderId,
    { orderId, userId: 'u', totalCents: 100, currency: 'EUR', paymentId: crypto.randomUUID(), shipmentId, checkoutSeconds: 1 },
    { source: '/services/orders', now: () => new Date() },
  );
  await produceRaw(brokers, topics.ORDERS_EVENTS_TOPIC, [{ key: orderId, value: JSON.stringify(confirmed), headers: { traceparent: `00-${traceId}-1a2b3c4d5e6f7081-01` } }]);
  const facts = await waitFor('three delivery facts', () => {
    const found = (collector?.records ?? []).filter((r) => r.key === orderId).slice(1);
    return found.length >= 3 && found;
  }, { timeoutMs: 30_000 });
  expect(facts.map((r) => (JSON.parse(r.text ?? '{}') as { type: string }).type)).toEqual(['shop.shipping.shipment.dispatched', 'shop.shipping.shipment.in-transit', 'shop.shipping.shipment.delivered']);
  for (const fact of facts) expect(fact.headers['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
});
