// A domain event carrying its producer's trace context is handled in that trace: the consumer span
// continues the trace from the Kafka headers and the inbox/bucket writes are PostgreSQL spans in it.
import { fileURLToPath } from 'node:url';
import { makeEvent } from '@shopwatch/contracts';
import { createKafkaClient, deleteTopics, ensureTopics } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, type OtlpReceiver, produceRaw, type ServiceProcess, spawnService, startOtlpReceiver, type TestDatabase, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.analytics-tracing');
const topics = { CATALOG_VIEWS_TOPIC: `${base}.views`, ORDERS_EVENTS_TOPIC: `${base}.orders`, SUPPORT_EVENTS_TOPIC: `${base}.support`, DEAD_LETTER_TOPIC: `${base}.deadletter` };
let db: TestDatabase;
let receiver: OtlpReceiver | undefined;
let analytics: ServiceProcess | undefined;

beforeAll(async () => {
  db = await createTestDatabase('analytics-tracing');
  receiver = await startOtlpReceiver();
  await ensureTopics(createKafkaClient({ brokers, clientId: 'analytics-tracing-setup' }), Object.values(topics).map((topic) => ({ topic, partitions: 1 })));
  analytics = await spawnService({
    name: 'analytics',
    script,
    env: {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      JWT_SECRET: 'tracing-test-secret-at-least-32-characters',
      CONSUMER_GROUP: `${base}-group`,
      CONSUMER_FROM_BEGINNING: 'true',
      ...topics,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Root sampling 0: only the producer's sampled flag makes this trace recorded.
      OTEL_TRACES_SAMPLER_ARG: '0',
    },
  });
}, 90_000);

afterAll(async () => {
  analytics?.child.kill('SIGTERM');
  await analytics?.exited;
  await receiver?.close();
  await deleteTopics(createKafkaClient({ brokers, clientId: 'analytics-tracing-test' }), Object.values(topics)).catch(() => undefined);
  await db?.drop();
});

it('handles a domain event in its producer\'s trace', async () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const order = { orderId: 'order-traced', userId: 'user-1', totalCents: 500, currency: 'EUR' };
  const placed = makeEvent('shop.orders.order.placed', order.orderId, { ...order, items: [{ productId: 'p-1', quantity: 1, unitPriceCents: 500 }] }, { source: '/services/orders', now: () => new Date() });
  await produceRaw(brokers, topics.ORDERS_EVENTS_TOPIC, [{ key: order.orderId, value: JSON.stringify(placed), headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } }]);
  const spans = await waitFor(
    'the consumer span and a PostgreSQL span in the trace',
    () => {
      const mine = (receiver?.spans() ?? []).filter((s) => s.traceId === traceId);
      const consumer = mine.find((s) => s.parentSpanId === 'b7ad6b7169203331');
      return consumer && mine.some((s) => s.parentSpanId === consumer.spanId) ? mine : undefined;
    },
    { timeoutMs: 45_000, intervalMs: 200 },
  );
  expect(spans.length).toBeGreaterThanOrEqual(2);
});
