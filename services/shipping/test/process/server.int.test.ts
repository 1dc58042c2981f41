// The real shipping process: migrates, provisions its topics, answers saga commands, moves a
// confirmed shipment to delivered on its ticker, follows the faults file while running, serves
// its API and metrics, and exits 0 on SIGTERM. Bad configuration stops start-up with one line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { createEventProducer, createKafkaClient, deleteTopics, issueToken, type EventProducer, type KafkaClient } from '@shopwatch/platform';
import { type Collector, createTestDatabase, infraEnv, metricSample, startCollector, type TestDatabase, uniqueName, waitFor } from '@shopwatch/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESS_JWT_SECRET, spawnShipping, type ShippingProcess } from '../support/shipping-process.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.shipping-process');
const topics = { COMMANDS_TOPIC: `${base}.commands`, EVENTS_TOPIC: `${base}.events`, ORDERS_EVENTS_TOPIC: `${base}.orders` };

let db: TestDatabase;
let dir: string;
let shipping: ShippingProcess | undefined;
let client: KafkaClient;
let producer: EventProducer;
let collector: Collector | undefined;

beforeAll(async () => {
  db = await createTestDatabase('shipping-process');
  dir = await mkdtemp(join(tmpdir(), 'shipping-faults-'));
  await writeFile(join(dir, 'faults.json'), JSON.stringify({ shipping: { failureRate: 0 } }));
  shipping = await spawnShipping(db.url, {
    ...topics,
    CONSUMER_GROUP: `${base}-group`,
    FAULTS_FILE: join(dir, 'faults.json'),
    TICK_INTERVAL_MS: '100',
    DISPATCH_AFTER_MS: '100',
    IN_TRANSIT_AFTER_MS: '100',
    DELIVERED_AFTER_MS: '200',
    CONFIRMATION_SLACK_MS: '600000',
  });
  client = createKafkaClient({ brokers, clientId: 'shipping-process-test' });
  producer = createEventProducer({ client, registry: new Registry(), topicOf: (event) => (event.type.startsWith('shop.orders.') ? topics.ORDERS_EVENTS_TOPIC : topics.COMMANDS_TOPIC) });
  await producer.connect();
  collector = await startCollector(brokers, [topics.EVENTS_TOPIC]);
}, 90_000);

afterAll(async () => {
  if (shipping && shipping.child.exitCode === null) shipping.child.kill('SIGKILL');
  await collector?.stop();
  await producer?.disconnect();
  if (client) await deleteTopics(client, Object.values(topics));
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const events = () => (collector?.records ?? []).map((r) => JSON.parse(r.text ?? 'null') as ShopEvent & { data: { commandId?: string; shipmentId?: string; reason?: string } });
const now = () => new Date();
const create = (orderId: string) =>
  makeEvent(
    'shop.shipping.shipment.create',
    orderId,
    { orderId, items: [{ productId: 'p-1', quantity: 1 }], destination: { country: 'AT', postalCode: '1010', city: 'Wien' }, method: 'express', weightGrams: 800 },
    { source: '/test', now },
  );
const replyTo = (command: ShopEvent) => waitFor(`reply to ${command.id}`, () => events().find((e) => e.data.commandId === command.id), { timeoutMs: 30_000 });

describe('the shipping process', () => {
  it('serves, answers commands, delivers a confirmed shipment, follows the faults file and exits 0 on SIGTERM', async () => {
    const url = shipping!.url;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths).sort()).toEqual(['/quotes', '/shipments', '/shipments/{id}']);

    const quoted = await fetch(`${url}/quotes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ destination: { country: 'AT', postalCode: '1010', city: 'Wien' }, weightGrams: 800 }) });
    expect(quoted.status).toBe(200);

    const orderId = `order-${base}`;
    const command = create(orderId);
    await producer.publish([command]);
    const created = await replyTo(command);
    expect(created.type).toBe('shop.shipping.shipment.created');
    const shipmentId = created.data.shipmentId!;
    await producer.publish([
      makeEvent('shop.orders.order.confirmed', orderId, { orderId, userId: 'u', totalCents: 100, currency: 'EUR', paymentId: crypto.randomUUID(), shipmentId, checkoutSeconds: 1 }, { source: '/test', now }),
    ]);
    await waitFor('delivered', () => events().some((e) => e.type === 'shop.shipping.shipment.delivered' && e.subject === orderId), { timeoutMs: 30_000 });
    const token = await issueToken({ secret: PROCESS_JWT_SECRET }, { subject: 'admin', role: 'admin' });
    const listed = await fetch(`${url}/shipments?orderId=${orderId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await listed.json()) as { items: { status: string }[] }).items.map((s) => s.status)).toEqual(['delivered']);

    // The faults file is re-read while running: every create now fails.
    await writeFile(join(dir, 'faults.json'), JSON.stringify({ shipping: { failureRate: 1 } }));
    const failing = await waitFor('carrier_unavailable from the faults file', async () => {
      const attempt = create(`order-${base}-${Date.now()}`);
      await producer.publish([attempt]);
      const reply = await replyTo(attempt);
      return reply.data.reason === 'carrier_unavailable' && reply;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(failing.type).toBe('shop.shipping.shipment.creation-failed');

    const metrics = await (await fetch(`${url}/metrics`)).text();
    // Creates before the file was re-read succeeded, so at least one of each.
    expect(metricSample(metrics, 'shop_shipments_total', { outcome: 'created', reason: 'none' })).toBeGreaterThanOrEqual(1);
    expect(metricSample(metrics, 'shop_shipments_total', { outcome: 'creation_failed', reason: 'carrier_unavailable' })).toBeGreaterThanOrEqual(1);
    expect(metricSample(metrics, 'shop_shipments_delivered_total', { on_time: 'true' })).toBe(1);
    expect(metricSample(metrics, 'shop_shipment_delivery_seconds_count', { method: 'express' })).toBe(1);
    expect(metricSample(metrics, 'shop_shipments_in_state', { state: 'delivered' })).toBe(1);
    expect(metricSample(metrics, 'shop_shipping_quotes_total', { method: 'standard', zone: 'eu' })).toBe(1);

    shipping!.child.kill('SIGTERM');
    const exit = await shipping!.exited;
    expect(exit, shipping!.output().slice(-3000)).toEqual({ code: 0, signal: null });
  });

  it.each([
    [{ DISPATCH_AFTER_MS: '-5' }, 'DISPATCH_AFTER_MS'],
    [{ EXPRESS_DURATION_FACTOR: 'fast' }, 'EXPRESS_DURATION_FACTOR'],
    [{ ORDERS_EVENTS_TOPIC: 'bad topic!' }, 'ORDERS_EVENTS_TOPIC'],
  ] as const)('refuses to start with %j, naming the variable on one line', async (env, variable) => {
    const process = await spawnShipping(db.url, env, { ready: false });
    const exit = await process.exited;
    expect(exit.code).toBe(1);
    const lines = process.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });
});
