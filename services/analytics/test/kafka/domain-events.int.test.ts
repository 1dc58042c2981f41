// Domain events into the funnel over real Kafka and PostgreSQL: catalog views and order milestones
// become domain-source stages, a redelivered event counts once, poison messages are dead-lettered
// with the reason while the consumer carries on. Topics and group are unique to this file.
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import {
  createEventProducer,
  createKafkaClient,
  deleteTopics,
  ensureTopics,
  inboxMetrics,
  startEventConsumer,
  type EventConsumer,
  type EventProducer,
  type KafkaClient,
} from '@shopwatch/platform';
import { type Collector, infraEnv, produceRaw, startCollector, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDomainEventHandler } from '../../src/plugins/domain-events.ts';
import { startAnalytics, type AnalyticsFixture } from '../support/analytics-fixture.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.analytics');
const viewsTopic = `${base}.views`;
const ordersTopic = `${base}.orders`;
const supportTopic = `${base}.support`;
const deadLetterTopic = `${base}.deadletter`;
const group = `${base}-group`;

let f: AnalyticsFixture;
let client: KafkaClient;
let producer: EventProducer;
let consumer: EventConsumer;
let collector: Collector;

beforeAll(async () => {
  f = await startAnalytics();
  client = createKafkaClient({ brokers, clientId: 'analytics-domain-events-test' });
  await ensureTopics(client, [viewsTopic, ordersTopic, supportTopic, deadLetterTopic].map((topic) => ({ topic, partitions: 1 })));
  collector = await startCollector(brokers, [deadLetterTopic]);
  producer = createEventProducer({ client, registry: f.app.metrics.registry, topicOf: (event) => (event.type.startsWith('shop.catalog.') ? viewsTopic : event.type.startsWith('shop.support.') ? supportTopic : ordersTopic) });
  await producer.connect();
  consumer = await startEventConsumer({
    client,
    groupId: group,
    topics: [viewsTopic, ordersTopic, supportTopic],
    registry: f.app.metrics.registry,
    fromBeginning: true,
    deadLetterTopic,
    retry: { initialDelayMs: 20, maxDelayMs: 200 },
    handler: createDomainEventHandler({ pool: f.pool, consumerGroup: group, metrics: f.app.analyticsMetrics, inboxMetrics: inboxMetrics(f.app.metrics.registry) }),
  });
});

afterAll(async () => {
  await consumer?.stop();
  await producer?.disconnect();
  await collector?.stop();
  if (client) await deleteTopics(client, [viewsTopic, ordersTopic, supportTopic, deadLetterTopic]);
  await f?.close();
});

const now = () => new Date();
let orders = 0;
const order = () => {
  const orderId = `order-${++orders}-${Date.now().toString(36)}`;
  return { orderId, userId: 'user-1', totalCents: 2500, currency: 'EUR' };
};
const placed = (o: ReturnType<typeof order>) => makeEvent('shop.orders.order.placed', o.orderId, { ...o, items: [{ productId: 'p-1', quantity: 1, unitPriceCents: 2500 }] }, { source: '/services/orders', now });
const confirmed = (o: ReturnType<typeof order>) =>
  makeEvent('shop.orders.order.confirmed', o.orderId, { ...o, paymentId: crypto.randomUUID(), shipmentId: crypto.randomUUID(), checkoutSeconds: 2.5 }, { source: '/services/orders', now });
const cancelled = (o: ReturnType<typeof order>) => makeEvent('shop.orders.order.cancelled', o.orderId, { ...o, reason: 'out_of_stock', failedStep: 'reserve_stock' }, { source: '/services/orders', now });
const viewed = (sessionId?: string) => makeEvent('shop.catalog.product.viewed', 'p-1', { productId: 'p-1', ...(sessionId ? { sessionId } : {}) }, { source: '/services/catalog', now });

/** Waits until the inbox holds every event (each one handled, or known as a duplicate). */
async function handled(events: ShopEvent[]): Promise<void> {
  const ids = events.map((e) => e.id);
  await waitFor(`${ids.length} events handled`, async () => {
    const { rows } = await f.pool.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])', [group, ids]);
    return Number(rows[0]?.n) === ids.length;
  }, { timeoutMs: 45_000 });
}

async function domainCounts(): Promise<Record<string, number>> {
  const { rows } = await f.pool.query<{ stage: string; n: string }>("SELECT stage, sum(events) AS n FROM analytics_funnel_minutes WHERE source = 'domain' GROUP BY stage");
  return Object.fromEntries(rows.map((r) => [r.stage, Number(r.n)]));
}

describe('domain events → funnel', () => {
  it('views, placed, confirmed and cancelled orders become domain-source stages', async () => {
    const before = await domainCounts();
    const revenueBefore = await f.metric('shop_analytics_revenue_cents_total', { currency: 'EUR' });
    const a = order();
    const b = order();
    const events = [viewed('sess-dom-1'), viewed('sess-dom-2'), viewed(), placed(a), placed(b), confirmed(a), cancelled(b)];
    await producer.publish(events);
    await handled(events);
    const after = await domainCounts();
    const delta = (stage: string) => (after[stage] ?? 0) - (before[stage] ?? 0);
    expect([delta('product_view'), delta('checkout'), delta('purchase'), delta('cancelled'), delta('add_to_cart')]).toEqual([3, 2, 1, 1, 0]);
    expect(await f.metric('shop_funnel_events_total', { stage: 'purchase', source: 'domain' })).toBeGreaterThanOrEqual(1);
    expect(await f.metric('shop_analytics_revenue_cents_total', { currency: 'EUR' })).toBe(revenueBefore + 2500);

    const report = (await f.app.inject({ method: 'GET', url: '/funnel?window=1h', headers: f.admin })).json<{ stages: Array<{ stage: string; domain: number; sessions: number }>; cancelled: number }>();
    expect(report.stages.find((s) => s.stage === 'purchase')?.domain).toBe(after['purchase']);
    expect(report.stages.find((s) => s.stage === 'product_view')?.sessions).toBeGreaterThanOrEqual(2);
    expect(report.cancelled).toBe(after['cancelled']);
  });

  it('the same event delivered twice is counted once', async () => {
    const o = order();
    const event = confirmed(o);
    const duplicatesBefore = await f.metric('inbox_duplicates_skipped_total', { consumer_group: group });
    const purchasesBefore = (await domainCounts())['purchase'] ?? 0;
    const metricBefore = await f.metric('shop_funnel_events_total', { stage: 'purchase', source: 'domain' });
    await producer.publish([event]);
    await producer.publish([event]);
    await waitFor('the duplicate skipped', async () => (await f.metric('inbox_duplicates_skipped_total', { consumer_group: group })) === duplicatesBefore + 1, { timeoutMs: 45_000 });
    expect(((await domainCounts())['purchase'] ?? 0) - purchasesBefore).toBe(1);
    expect((await f.metric('shop_funnel_events_total', { stage: 'purchase', source: 'domain' })) - metricBefore).toBe(1);
    expect(await f.metric('shop_analytics_events_ingested_total', { type: 'shop.orders.order.confirmed', outcome: 'duplicate' })).toBeGreaterThanOrEqual(1);
  });

  it('valid events that are not funnel facts are skipped, not dead-lettered', async () => {
    const deleted = makeEvent('shop.catalog.product.deleted', 'p-9', { productId: 'p-9' }, { source: '/services/catalog', now });
    const next = viewed('sess-after-ignored');
    await producer.publish([deleted, next]);
    await handled([next]);
    expect(await f.metric('shop_analytics_events_ingested_total', { type: 'shop.catalog.product.deleted', outcome: 'ignored' })).toBe(1);
    expect(collector.records.some((r) => r.key === 'p-9')).toBe(false);
  });
});

describe('support facts', () => {
  it('an opened ticket counts as a support contact by category, once however often it is delivered', async () => {
    const ticketId = crypto.randomUUID();
    const opened = makeEvent('shop.support.ticket.opened', ticketId, { ticketId, userId: 'user-1', category: 'shipping' }, { source: '/services/support', now });
    const resolved = makeEvent('shop.support.ticket.resolved', ticketId, { ticketId, userId: 'user-1', category: 'shipping', resolvedBy: 'agent', resolutionSeconds: 60 }, { source: '/services/support', now });
    await producer.publish([opened, opened, resolved]);
    await waitFor('resolved skipped as not a funnel fact', async () => (await f.metric('shop_analytics_events_ingested_total', { type: 'shop.support.ticket.resolved', outcome: 'ignored' })) === 1, { timeoutMs: 45_000 });
    expect(await f.metric('shop_analytics_support_contacts_total', { category: 'shipping' })).toBe(1);
    expect(await f.metric('shop_analytics_events_ingested_total', { type: 'shop.support.ticket.opened', outcome: 'duplicate' })).toBe(1);
  });
});

describe('poison messages', () => {
  it('dead-letters unparseable, invalid and unknown messages with the reason and keeps consuming', async () => {
    const o = order();
    const invalid = { ...placed(o), data: { ...placed(o).data, totalCents: -5 } };
    const unknownType = { ...placed(o), id: crypto.randomUUID(), type: 'shop.orders.order.teleported' };
    await produceRaw(brokers, ordersTopic, [
      { key: o.orderId, value: 'this is not json' },
      { key: o.orderId, value: JSON.stringify(invalid) },
      { key: o.orderId, value: JSON.stringify(unknownType) },
      { key: o.orderId, value: Buffer.from([0xff, 0xfe, 0x00]) },
    ]);
    const next = placed(order());
    await producer.publish([next]);
    await handled([next]);
    const deadLetters = await waitFor('four dead letters', () => {
      const found = collector.records.filter((r) => r.topic === deadLetterTopic && r.key === o.orderId);
      return found.length >= 4 && found;
    }, { timeoutMs: 30_000 });
    expect(deadLetters.map((r) => r.headers['dlq-reason'])).toEqual(['unparseable', 'invalid-payload', 'unknown-type', 'unparseable']);
    expect(deadLetters[1]?.headers['dlq-detail']).toContain('/totalCents');
    expect(deadLetters.every((r) => r.headers['dlq-original-topic'] === ordersTopic)).toBe(true);
    const { rows } = await f.pool.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE consumer_group = $1 AND event_id = $2', [group, invalid.id]);
    expect(Number(rows[0]?.n)).toBe(0);
  });
});

describe('the platform classifier on domain events', () => {
  it('an event PostgreSQL refuses as data (SQLSTATE 22021, a NUL in the session id) is dead-lettered with the SQLSTATE; the partition keeps flowing', async () => {
    // Valid for the contract (any 1–100 characters), refused by PostgreSQL's text type on every try.
    const poison = viewed('sess-\u0000-poison');
    const next = viewed('sess-after-poison');
    await producer.publish([poison, next]);
    await handled([next]);
    const letter = await waitFor('the poison event dead-lettered', () => collector.records.find((r) => r.topic === deadLetterTopic && r.text?.includes(poison.id)), { timeoutMs: 30_000 });
    expect(letter.headers['dlq-reason']).toBe('handler-rejected');
    expect(letter.headers['dlq-detail']).toContain('SQLSTATE 22021');
    expect(letter.headers['dlq-original-topic']).toBe(viewsTopic);
    // Nothing of it was recorded: its transaction (inbox row included) rolled back.
    const { rows } = await f.pool.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE consumer_group = $1 AND event_id = $2', [group, poison.id]);
    expect(Number(rows[0]?.n)).toBe(0);
  });
});
