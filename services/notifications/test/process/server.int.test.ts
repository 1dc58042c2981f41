// The real notifications process: migrates, provisions its topics, turns order events into
// notifications, follows the faults file (a failing channel is retried, then dead-lettered to the
// shop's dead-letter topic), serves its API and metrics, and exits 0 on SIGTERM. Bad configuration
// stops start-up with one line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEAD_LETTER_TOPIC, makeEvent } from '@shopwatch/contracts';
import { createEventProducer, createKafkaClient, deleteTopics, issueToken, type EventProducer, type KafkaClient } from '@shopwatch/platform';
import { type Collector, createTestDatabase, infraEnv, metricSample, startCollector, type TestDatabase, uniqueName, waitFor } from '@shopwatch/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '@shopwatch/testkit';
import { PROCESS_JWT_SECRET, spawnNotifications } from '../support/notifications-process.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.notifications-process');
const topics = { ORDERS_EVENTS_TOPIC: `${base}.orders`, SHIPPING_EVENTS_TOPIC: `${base}.shipping` };

let db: TestDatabase;
let dir: string;
let service: ServiceProcess | undefined;
let client: KafkaClient;
let producer: EventProducer;
let collector: Collector | undefined;

beforeAll(async () => {
  db = await createTestDatabase('notifications-process');
  dir = await mkdtemp(join(tmpdir(), 'notifications-faults-'));
  await writeFile(join(dir, 'faults.json'), JSON.stringify({ notifications: { sms: { failureRate: 1, latencyMs: 5 } } }));
  service = await spawnNotifications(db.url, {
    ...topics,
    CONSUMER_GROUP: `${base}-group`,
    FAULTS_FILE: join(dir, 'faults.json'),
    NOTIFY_MAX_ATTEMPTS: '2',
    NOTIFY_RETRY_INITIAL_DELAY_MS: '20',
    NOTIFY_RETRY_MAX_DELAY_MS: '50',
    DISPATCH_INTERVAL_MS: '100',
  });
  client = createKafkaClient({ brokers, clientId: 'notifications-process-test' });
  producer = createEventProducer({ client, registry: new Registry(), topicOf: () => topics.ORDERS_EVENTS_TOPIC });
  await producer.connect();
  collector = await startCollector(brokers, [DEAD_LETTER_TOPIC]);
}, 90_000);

afterAll(async () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  await collector?.stop();
  await producer?.disconnect();
  if (client) await deleteTopics(client, Object.values(topics));
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});


describe('the notifications process', () => {
  it('notifies, retries and dead-letters a failing channel, serves history and metrics, and exits 0 on SIGTERM', async () => {
    const url = service!.url;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(['/notifications']);

    const orderId = `order-${base}`;
    const userId = `user-${base}`.slice(0, 100);
    await producer.publish([
      makeEvent('shop.orders.order.cancelled', orderId, { orderId, userId, reason: 'declined', failedStep: 'authorize_payment', totalCents: 100, currency: 'EUR' }, { source: '/test', now: () => new Date() }),
    ]);
    const headers = { authorization: `Bearer ${await issueToken({ secret: PROCESS_JWT_SECRET }, { subject: userId, role: 'customer' })}` };
    const items = await waitFor('three settled notifications', async () => {
      const page = (await (await fetch(`${url}/notifications`, { headers })).json()) as { items: { channel: string; status: string; attempts: number; failureReason: string | null }[] };
      return page.items.length === 3 && page.items.every((i) => i.status !== 'pending') && page.items;
    }, { timeoutMs: 30_000 });
    expect(items.map((i) => [i.channel, i.status, i.attempts, i.failureReason]).sort()).toEqual([
      ['email', 'sent', 1, null],
      ['push', 'sent', 1, null],
      ['sms', 'failed', 2, 'retries-exhausted'],
    ]);
    const record = await waitFor('dead-letter record', () => collector?.records.find((r) => r.key === orderId), { timeoutMs: 30_000 });
    expect(record.headers['dlq-reason']).toBe('retries-exhausted');
    expect(record.headers['dlq-original-topic']).toBe(topics.ORDERS_EVENTS_TOPIC);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metricSample(metrics, 'shop_notifications_total', { channel: 'email', outcome: 'sent' })).toBe(1);
    expect(metricSample(metrics, 'shop_notifications_total', { channel: 'sms', outcome: 'dead_lettered' })).toBe(1);
    expect(metricSample(metrics, 'shop_notification_attempts_total', { channel: 'sms', outcome: 'error' })).toBe(2);
    expect(metricSample(metrics, 'shop_notification_delivery_seconds_count', { channel: 'push' })).toBe(1);
    expect(metricSample(metrics, 'shop_notifications_pending', { channel: 'sms' })).toBe(0);
    expect(metricSample(metrics, 'kafka_messages_dead_lettered_total', { reason: 'retries-exhausted' })).toBe(1);

    service!.child.kill('SIGTERM');
    const exit = await service!.exited;
    expect(exit, service!.output().slice(-3000)).toEqual({ code: 0, signal: null });
  });

  it.each([
    [{ NOTIFY_MAX_ATTEMPTS: '0' }, 'NOTIFY_MAX_ATTEMPTS'],
    [{ DISPATCH_INTERVAL_MS: 'often' }, 'DISPATCH_INTERVAL_MS'],
    [{ SHIPPING_EVENTS_TOPIC: 'bad topic!' }, 'SHIPPING_EVENTS_TOPIC'],
  ] as const)('refuses to start with %j, naming the variable on one line', async (env, variable) => {
    const process = await spawnNotifications(db.url, env, { ready: false });
    const exit = await process.exited;
    expect(exit.code).toBe(1);
    const lines = process.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });
});
