// An orders app on a fresh real PostgreSQL database, pricing against a real catalog app (its own
// database, listening on a loopback port) and talking over real Kafka on topics unique to the
// test file. The test plays the participants: it reads orders' commands with a collector and
// produces their replies with makeEvent onto the unique reply topics.
import { makeEvent, type EventType, type ShopEvent } from '@shopwatch/contracts';
import { buildCatalogApp, migrateCatalog } from '@shopwatch/catalog';
import {
  createEventProducer,
  createKafkaClient,
  createLogger,
  createPool,
  deleteTopics,
  enqueueAll,
  ensureTopics,
  inboxMetrics,
  issueToken,
  startEventConsumer,
  startOutboxRelay,
  type App,
  type EventConsumer,
  type EventProducer,
  type KafkaClient,
  type OutboxRelay,
  type Pool,
} from '@shopwatch/platform';
import { createTestDatabase, infraEnv, startCollector, uniqueName, waitFor, type Collector, type TestDatabase } from '@shopwatch/testkit';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { buildOrdersApp } from '../../src/app.ts';
import { migrateOrders } from '../../src/migrate.ts';
import { createReplyHandler } from '../../src/plugins/reply-handler.ts';
import { startSweeper, type SagaTopics, type Sweeper } from '../../src/plugins/saga-store.ts';

export const JWT = { secret: 'orders-test-secret-that-is-at-least-32-chars' };
export const brokers = infraEnv().kafkaBrokers;

export interface Products {
  /** EUR 12.50, active. */
  widget: string;
  /** EUR 5.00, active. */
  gadget: string;
  /** USD 9.99, active. */
  dollar: string;
  /** EUR, inactive (not for sale). */
  retired: string;
}

export interface Topics extends SagaTopics {
  inventoryEvents: string;
  paymentsEvents: string;
  shippingEvents: string;
  deadLetter: string;
}

export interface OrdersFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  catalogUrl: string;
  products: Products;
  topics: Topics;
  group: string;
  collector: Collector;
  tokens: { alice: string; bob: string; admin: string };
  /** Produces participants' replies (and anything else) as a well-behaved producer would. */
  send(events: ShopEvent[], topic?: string): Promise<void>;
  /** Commands orders sent for an order, in order, parsed. */
  commands(orderId: string): ShopEvent[];
  /** Waits for the n-th (1-based) command of `type` for an order. */
  command<T extends EventType>(orderId: string, type: T, nth?: number): Promise<ShopEvent<T>>;
  /** Orders' own facts for an order. */
  facts(orderId: string): ShopEvent[];
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  stepTimeoutMs?: number;
  /** Step budget before the capture (default: the step timeout, i.e. no re-send before cancelling). */
  stepBudgetMs?: number;
  sweepIntervalMs?: number;
  maxCompensationAttempts?: number;
  /** Start the reply consumer and sweeper (default true). */
  saga?: boolean;
  /** Partitions per topic (default 1: tests read one order's messages in order anyway), consumed in parallel. */
  partitions?: number;
}

export interface CatalogFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  url: string;
  products: Products;
  close(): Promise<void>;
}

/** A real catalog app on its own database, listening on a loopback port, with four products. */
export async function startCatalog(): Promise<CatalogFixture> {
  const db = await createTestDatabase('orders-catalog');
  await migrateCatalog(db.url);
  const pool = createPool({ connectionString: db.url, max: 4 });
  const app = await buildCatalogApp({
    pool,
    logger: createLogger({ service: 'catalog', level: 'silent' }),
    jwt: JWT,
    enqueue: (client, events) => enqueueAll(client, events),
    viewFlushIntervalMs: 50,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const admin = `Bearer ${await issueToken(JWT, { subject: 'catalog-admin', role: 'admin' })}`;
  const category = await app.inject({ method: 'POST', url: '/categories', headers: { authorization: admin }, payload: { slug: 'things', name: 'Things' } });
  const categoryId = category.json<{ id: string }>().id;
  const product = async (sku: string, priceCents: number, currency: string, active = true) => {
    const res = await app.inject({ method: 'POST', url: '/products', headers: { authorization: admin }, payload: { sku, name: sku, categoryId, priceCents, currency, active } });
    if (res.statusCode !== 201) throw new Error(`catalog product ${sku}: ${res.statusCode} ${res.body}`);
    return res.json<{ id: string }>().id;
  };
  const products = { widget: await product('WIDGET', 1250, 'EUR'), gadget: await product('GADGET', 500, 'EUR'), dollar: await product('DOLLAR', 999, 'USD'), retired: await product('RETIRED', 100, 'EUR', false) };
  return {
    app,
    pool,
    db,
    url,
    products,
    async close() {
      await app.close();
      await app.catalogViews.close();
      await pool.end();
      await db.drop();
    },
  };
}

export async function startOrders(options: FixtureOptions = {}): Promise<OrdersFixture> {
  const base = uniqueName('test.orders');
  const topics: Topics = {
    ordersEvents: `${base}.orders-events`,
    inventoryCommands: `${base}.inventory-commands`,
    paymentsCommands: `${base}.payments-commands`,
    shippingCommands: `${base}.shipping-commands`,
    inventoryEvents: `${base}.inventory-events`,
    paymentsEvents: `${base}.payments-events`,
    shippingEvents: `${base}.shipping-events`,
    deadLetter: `${base}.deadletter`,
  };
  const group = `${base}-group`;
  const catalog = await startCatalog();
  const db = await createTestDatabase('orders');
  await migrateOrders(db.url);
  const pool = createPool({ connectionString: db.url, max: 8 });
  const logger = createLogger({ service: 'orders', level: 'silent' });
  const app = await buildOrdersApp({
    pool,
    logger,
    jwt: JWT,
    catalog: { baseUrl: catalog.url, timeoutMs: 5_000 },
    saga: { stepTimeoutMs: options.stepTimeoutMs ?? 60_000, stepBudgetMs: options.stepBudgetMs ?? options.stepTimeoutMs ?? 60_000, maxCompensationAttempts: options.maxCompensationAttempts ?? 3 },
    topics,
  });
  await app.ready();

  const client: KafkaClient = createKafkaClient({ brokers, clientId: 'orders-test' });
  const allTopics = [topics.ordersEvents, topics.inventoryCommands, topics.paymentsCommands, topics.shippingCommands, topics.inventoryEvents, topics.paymentsEvents, topics.shippingEvents, topics.deadLetter];
  await ensureTopics(client, allTopics.map((topic) => ({ topic, partitions: options.partitions ?? 1 })));
  const collector = await startCollector(brokers, [topics.ordersEvents, topics.inventoryCommands, topics.paymentsCommands, topics.shippingCommands, topics.deadLetter]);
  const producer: EventProducer = createEventProducer({ client, registry: app.metrics.registry });
  await producer.connect();
  const relay: OutboxRelay = startOutboxRelay({ pool, producer, registry: app.metrics.registry, pollIntervalMs: 200 });
  const replies: EventProducer = createEventProducer({ client, registry: app.metrics.registry });
  await replies.connect();

  let consumer: EventConsumer | undefined;
  let sweeper: Sweeper | undefined;
  if (options.saga !== false) {
    consumer = await startEventConsumer({
      client,
      groupId: group,
      topics: [topics.inventoryEvents, topics.paymentsEvents, topics.shippingEvents],
      registry: app.metrics.registry,
      fromBeginning: true,
      partitionsConsumedConcurrently: options.partitions ?? 1,
      deadLetterTopic: topics.deadLetter,
      retry: { initialDelayMs: 20, maxDelayMs: 200 },
      handler: createReplyHandler({ store: app.sagas, consumerGroup: group, inboxMetrics: inboxMetrics(app.metrics.registry) }),
    });
    sweeper = startSweeper(app.sagas, { intervalMs: options.sweepIntervalMs ?? 100, logger });
  }

  const parsed = () => collector.records.filter((r) => r.text !== null && r.topic !== topics.deadLetter).map((r) => ({ topic: r.topic, event: JSON.parse(r.text!) as ShopEvent }));
  const replyTopicOf = (event: ShopEvent) =>
    event.type.startsWith('shop.inventory.') ? topics.inventoryEvents : event.type.startsWith('shop.payments.') ? topics.paymentsEvents : topics.shippingEvents;
  const commandTopics = new Set([topics.inventoryCommands, topics.paymentsCommands, topics.shippingCommands]);
  const commands = (orderId: string) => parsed().filter((r) => commandTopics.has(r.topic) && r.event.subject === orderId).map((r) => r.event);

  return {
    app,
    pool,
    db,
    catalogUrl: catalog.url,
    products: catalog.products,
    topics,
    group,
    collector,
    tokens: {
      alice: await issueToken(JWT, { subject: 'alice', role: 'customer' }),
      bob: await issueToken(JWT, { subject: 'bob', role: 'customer' }),
      admin: await issueToken(JWT, { subject: 'ops', role: 'admin' }),
    },
    async send(events, topic) {
      for (const event of events) await replies.publishRecords([{ event, traceHeaders: {}, topic: topic ?? replyTopicOf(event) }]);
    },
    commands,
    async command(orderId, type, nth = 1) {
      return waitFor(`command ${type} #${nth} for ${orderId}`, () => commands(orderId).filter((e) => e.type === type)[nth - 1] as ShopEvent<typeof type> | undefined, { timeoutMs: 30_000 });
    },
    facts: (orderId) => parsed().filter((r) => r.topic === topics.ordersEvents && r.event.subject === orderId).map((r) => r.event),
    async metric(name, labels = {}) {
      const metric = app.metrics.registry.getSingleMetric(name) as Counter | Gauge | Histogram | undefined;
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      const relevant = values.filter((v) => {
        const series = (v as { metricName?: string }).metricName;
        return series === undefined || series === name || series === `${name}_count`;
      });
      return relevant.filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want)).reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await consumer?.stop();
      await sweeper?.stop();
      await relay.stop();
      await producer.disconnect();
      await replies.disconnect();
      await collector.stop();
      await app.close();
      await deleteTopics(client, allTopics).catch(() => undefined);
      await pool.end();
      await db.drop();
      await catalog.close();
    },
  };
}

const participant = { source: '/services/test-participant', now: () => new Date() };

/** The participants' replies, built as they build them (makeEvent validates every one). */
export const replies = {
  reserved: (c: ShopEvent<'shop.inventory.stock.reserve'>) =>
    makeEvent('shop.inventory.stock.reserved', c.subject, { orderId: c.data.orderId, commandId: c.id, items: c.data.items, expiresAt: c.data.expiresAt }, participant),
  outOfStock: (c: ShopEvent<'shop.inventory.stock.reserve'>) =>
    makeEvent(
      'shop.inventory.stock.reservation-failed',
      c.subject,
      { orderId: c.data.orderId, commandId: c.id, reason: 'out_of_stock', shortfall: c.data.items.map((i) => ({ productId: i.productId, requested: i.quantity, available: 0 })) },
      participant,
    ),
  authorized: (c: ShopEvent<'shop.payments.payment.authorize'>, paymentId = crypto.randomUUID()) =>
    makeEvent('shop.payments.payment.authorized', c.subject, { orderId: c.data.orderId, commandId: c.id, paymentId, amountCents: c.data.amountCents, currency: c.data.currency }, participant),
  declined: (c: ShopEvent<'shop.payments.payment.authorize'>) =>
    makeEvent('shop.payments.payment.authorization-failed', c.subject, { orderId: c.data.orderId, commandId: c.id, reason: 'declined' }, participant),
  created: (c: ShopEvent<'shop.shipping.shipment.create'>, shipmentId = crypto.randomUUID()) =>
    makeEvent(
      'shop.shipping.shipment.created',
      c.subject,
      { orderId: c.data.orderId, commandId: c.id, shipmentId, carrier: 'test-carrier', method: c.data.method, costCents: 499, currency: 'EUR', estimatedDeliveryAt: new Date(Date.now() + 86_400_000).toISOString() },
      participant,
    ),
  creationFailed: (c: ShopEvent<'shop.shipping.shipment.create'>) =>
    makeEvent('shop.shipping.shipment.creation-failed', c.subject, { orderId: c.data.orderId, commandId: c.id, reason: 'unsupported_destination' }, participant),
  captured: (c: ShopEvent<'shop.payments.payment.capture'>, paymentId: string, amountCents: number) =>
    makeEvent('shop.payments.payment.captured', c.subject, { orderId: c.data.orderId, commandId: c.id, paymentId, amountCents, currency: 'EUR' }, participant),
  captureFailed: (c: ShopEvent<'shop.payments.payment.capture'>) =>
    makeEvent('shop.payments.payment.capture-failed', c.subject, { orderId: c.data.orderId, commandId: c.id, reason: 'psp_unavailable' }, participant),
  committed: (c: ShopEvent<'shop.inventory.stock.commit'>, items: { productId: string; quantity: number }[]) =>
    makeEvent('shop.inventory.stock.committed', c.subject, { orderId: c.data.orderId, commandId: c.id, items }, participant),
  shipmentCancelled: (c: ShopEvent<'shop.shipping.shipment.cancel'>) =>
    makeEvent('shop.shipping.shipment.cancelled', c.subject, { orderId: c.data.orderId, commandId: c.id, outcome: 'cancelled' }, participant),
  refunded: (c: ShopEvent<'shop.payments.payment.refund'>, paymentId: string, amountCents: number) =>
    makeEvent('shop.payments.payment.refunded', c.subject, { orderId: c.data.orderId, commandId: c.id, paymentId, amountCents, currency: 'EUR' }, participant),
  voided: (c: ShopEvent<'shop.payments.payment.void'>) => makeEvent('shop.payments.payment.voided', c.subject, { orderId: c.data.orderId, commandId: c.id }, participant),
  released: (c: ShopEvent<'shop.inventory.stock.release'>) =>
    makeEvent('shop.inventory.stock.released', c.subject, { orderId: c.data.orderId, commandId: c.id, reason: c.data.reason, outcome: 'released', items: [] }, participant),
};
