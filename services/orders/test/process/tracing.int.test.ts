// One trace follows an order: the POST's trace continues into the first command; the CONSUMER span
// that applies a participant's reply is the parent of the next command's PRODUCER span; and a
// command the timeout sweeper sends continues the trace of the POST that placed the order.
// The process exports OTLP/HTTP JSON to a local receiver; root sampling is 0, so only the
// caller's sampled flag records these traces (parent-based).
import { fileURLToPath } from 'node:url';
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { createKafkaClient, deleteTopics, issueToken } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, produceRaw, spawnService, startCollector, startOtlpReceiver, uniqueName, waitFor, type Collector, type OtlpReceiver, type RawRecord, type ServiceProcess, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCatalog, type CatalogFixture } from '../support/orders-fixture.ts';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
const SECRET = 'tracing-test-secret-with-at-least-32-chars';
const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.orders-tracing');
const topics = {
  EVENTS_TOPIC: `${base}.orders-events`,
  INVENTORY_COMMANDS_TOPIC: `${base}.inventory-commands`,
  INVENTORY_EVENTS_TOPIC: `${base}.inventory-events`,
  PAYMENTS_COMMANDS_TOPIC: `${base}.payments-commands`,
  PAYMENTS_EVENTS_TOPIC: `${base}.payments-events`,
  SHIPPING_COMMANDS_TOPIC: `${base}.shipping-commands`,
  SHIPPING_EVENTS_TOPIC: `${base}.shipping-events`,
};

let db: TestDatabase;
let catalog: CatalogFixture;
let receiver: OtlpReceiver;
let orders: ServiceProcess;
let collector: Collector;

beforeAll(async () => {
  db = await createTestDatabase('orders-tracing');
  catalog = await startCatalog();
  receiver = await startOtlpReceiver();
  orders = await spawnService({
    name: 'orders',
    script: SERVER,
    env: {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      JWT_SECRET: SECRET,
      CATALOG_URL: catalog.url,
      ...topics,
      CONSUMER_GROUP: `${base}-group`,
      KAFKA_TOPIC_PARTITIONS: '1',
      SAGA_STEP_TIMEOUT_MS: '15000',
      // Budget = timeout: the unanswered reserve is given up (and released) at its first timeout.
      SAGA_STEP_BUDGET_MS: '15000',
      SAGA_SWEEP_INTERVAL_MS: '200',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER_ARG: '0',
    },
  });
  collector = await startCollector(brokers, [topics.INVENTORY_COMMANDS_TOPIC, topics.PAYMENTS_COMMANDS_TOPIC]);
});
afterAll(async () => {
  await collector?.stop();
  orders?.child.kill('SIGTERM');
  await orders?.exited;
  await receiver?.close();
  await catalog?.close();
  await db?.drop();
  await deleteTopics(createKafkaClient({ brokers, clientId: 'orders-tracing-test' }), Object.values(topics)).catch(() => undefined);
});

async function place(traceId: string): Promise<string> {
  const token = await issueToken({ secret: SECRET }, { subject: 'traced-user', role: 'customer' });
  const res = await fetch(`${orders.url}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body: JSON.stringify({ items: [{ productId: catalog.products.gadget, quantity: 1 }], shipping: { country: 'FR', postalCode: '75001', city: 'Paris', method: 'standard' } }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const record = (topic: string, orderId: string, type: string, timeoutMs = 30_000) =>
  waitFor(`${type} for ${orderId}`, () => collector.records.find((r): r is RawRecord => r.topic === topic && r.key === orderId && (JSON.parse(r.text!) as ShopEvent).type === type), { timeoutMs });
const traceOf = (traceparent: string | undefined) => traceparent?.split('-')[1];
const spanOf = (traceparent: string | undefined) => traceparent?.split('-')[2];

it("the reply consumer's span is the parent of the next command, all in the POST's trace", async () => {
  const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const orderId = await place(traceId);
  const reserveRecord = await record(topics.INVENTORY_COMMANDS_TOPIC, orderId, 'shop.inventory.stock.reserve');
  expect(traceOf(reserveRecord.headers['traceparent'])).toBe(traceId);

  // The participant answers within the same trace (as a real one does: its consumer span continues it).
  const reserve = JSON.parse(reserveRecord.text!) as ShopEvent<'shop.inventory.stock.reserve'>;
  const reserved = makeEvent('shop.inventory.stock.reserved', orderId, { orderId, commandId: reserve.id, items: reserve.data.items, expiresAt: reserve.data.expiresAt }, { source: '/services/inventory', now: new Date() });
  await produceRaw(brokers, topics.INVENTORY_EVENTS_TOPIC, [{ key: orderId, value: JSON.stringify(reserved), headers: { traceparent: reserveRecord.headers['traceparent']! } }]);
  const authorizeRecord = await record(topics.PAYMENTS_COMMANDS_TOPIC, orderId, 'shop.payments.payment.authorize');
  expect(traceOf(authorizeRecord.headers['traceparent'])).toBe(traceId);

  const producerSpanId = spanOf(authorizeRecord.headers['traceparent']);
  const spans = await waitFor(
    'consumer and producer spans exported',
    () => {
      const mine = receiver.spans().filter((s) => s.traceId === traceId);
      const consumer = mine.find((s) => s.name === `process ${topics.INVENTORY_EVENTS_TOPIC}`);
      const producer = mine.find((s) => s.spanId === producerSpanId);
      return consumer && producer ? { consumer, producer } : undefined;
    },
    { timeoutMs: 30_000 },
  );
  expect(spans.producer.name).toBe(`send ${topics.PAYMENTS_COMMANDS_TOPIC}`);
  expect(spans.producer.parentSpanId).toBe(spans.consumer.spanId);
  expect(spans.consumer.parentSpanId).toBe(spanOf(reserveRecord.headers['traceparent']));
});

it('a command sent by the timeout sweeper continues the trace of the POST that placed the order', async () => {
  const traceId = 'b1b2c3d4e5f60718293a4b5c6d7e8f91';
  const orderId = await place(traceId);
  await record(topics.INVENTORY_COMMANDS_TOPIC, orderId, 'shop.inventory.stock.reserve');
  // Sent by the sweeper once the 15 s step timeout passed.
  const releaseRecord = await record(topics.INVENTORY_COMMANDS_TOPIC, orderId, 'shop.inventory.stock.release', 75_000);
  expect(traceOf(releaseRecord.headers['traceparent'])).toBe(traceId);
}, 120_000);
