// One trace follows a ticket out of support: a request carrying the caller's trace context is
// served in that trace (server span, PostgreSQL spans), and the ticket.opened fact the outbox relay
// publishes later carries the same trace id in its `traceparent` header.
import { fileURLToPath } from 'node:url';
import { createKafkaClient, deleteTopics, issueToken } from '@shopwatch/platform';
import { type Collector, createTestDatabase, infraEnv, type OtlpReceiver, type ServiceProcess, spawnService, startCollector, startOtlpReceiver, type TestDatabase, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
const JWT_SECRET = 'tracing-test-secret-at-least-32-characters';
const eventsTopic = `${uniqueName('test.support-tracing')}.events`;
let db: TestDatabase;
let receiver: OtlpReceiver | undefined;
let support: ServiceProcess | undefined;
let collector: Collector | undefined;

beforeAll(async () => {
  db = await createTestDatabase('support-tracing');
  receiver = await startOtlpReceiver();
  support = await spawnService({
    name: 'support',
    script,
    env: {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: infraEnv().kafkaBrokers.join(','),
      JWT_SECRET,
      EVENTS_TOPIC: eventsTopic,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Root sampling 0: only the caller's sampled flag makes this trace recorded.
      OTEL_TRACES_SAMPLER_ARG: '0',
    },
  });
  collector = await startCollector(infraEnv().kafkaBrokers, [eventsTopic]);
}, 90_000);

afterAll(async () => {
  support?.child.kill('SIGTERM');
  await support?.exited;
  await collector?.stop();
  await receiver?.close();
  await deleteTopics(createKafkaClient({ brokers: infraEnv().kafkaBrokers, clientId: 'support-tracing-test' }), [eventsTopic]).catch(() => undefined);
  await db?.drop();
});

it('serves a request in the caller\'s trace and publishes the fact with it', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const token = await issueToken({ secret: JWT_SECRET }, { subject: 'user-trace', role: 'customer' });
  const res = await fetch(`${support!.url}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body: JSON.stringify({ subject: 'Traced', message: 'Follow me', category: 'order' }),
  });
  expect(res.status).toBe(201);
  const ticket = (await res.json()) as { id: string };

  const fact = await waitFor('the opened fact', () => collector?.records.find((r) => r.key === ticket.id), { timeoutMs: 45_000 });
  expect(fact.headers['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

  const spans = await waitFor(
    'the server span and a PostgreSQL span in the trace',
    () => {
      const mine = (receiver?.spans() ?? []).filter((s) => s.traceId === traceId);
      const server = mine.find((s) => s.parentSpanId === '00f067aa0ba902b7');
      return server && mine.some((s) => s.spanId !== server.spanId && s.name.toLowerCase().includes('insert')) ? mine : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  expect(spans.length).toBeGreaterThanOrEqual(2);
});
