// The real entry point as a child process, configured entirely by environment: it migrates,
// provisions its (unique) topics, prices an order at a real catalog, sends the first command,
// consumes a reply and sends the next; serves /readyz, /metrics, /openapi.json; exits 0 on
// SIGTERM; refuses bad configuration with one line naming the variable.
import { fileURLToPath } from 'node:url';
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { createKafkaClient, deleteTopics, issueToken } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, produceRaw, spawnService, startCollector, uniqueName, waitFor, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalog, type CatalogFixture } from '../support/orders-fixture.ts';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
const SECRET = 'process-test-secret-with-at-least-32-chars';
const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.orders-process');
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
beforeAll(async () => {
  db = await createTestDatabase('orders-process');
  catalog = await startCatalog();
});
afterAll(async () => {
  await db?.drop();
  await catalog?.close();
  await deleteTopics(createKafkaClient({ brokers, clientId: 'orders-process-test' }), Object.values(topics)).catch(() => undefined);
});

const baseEnv = () => ({ DATABASE_URL: db.url, KAFKA_BROKERS: brokers.join(','), JWT_SECRET: SECRET, CATALOG_URL: catalog.url });

describe('orders process', () => {
  it('places an order, runs the saga over Kafka, serves health and metrics, exits 0 on SIGTERM', async () => {
    const orders = await spawnService({
      name: 'orders',
      script: SERVER,
      env: { ...baseEnv(), ...topics, CONSUMER_GROUP: `${base}-group`, KAFKA_TOPIC_PARTITIONS: '2', SAGA_STEP_TIMEOUT_MS: '60000', SAGA_SWEEP_INTERVAL_MS: '200' },
    });
    const collector = await startCollector(brokers, [topics.INVENTORY_COMMANDS_TOPIC, topics.PAYMENTS_COMMANDS_TOPIC, topics.EVENTS_TOPIC]);
    try {
      const token = await issueToken({ secret: SECRET }, { subject: 'process-user', role: 'customer' });
      const res = await fetch(`${orders.url}/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ productId: catalog.products.widget, quantity: 2 }], shipping: { country: 'NL', postalCode: '1012 AB', city: 'Amsterdam', method: 'express' }, cardToken: 'tok_visa' }),
      });
      expect(res.status).toBe(202);
      const order = (await res.json()) as { id: string; totalCents: number; status: string };
      expect(order).toMatchObject({ totalCents: 2500, status: 'pending' });
      expect(res.headers.get('location')).toBe(`/orders/${order.id}`);

      const parsed = (topic: string) => collector.records.filter((r) => r.topic === topic && r.key === order.id).map((r) => JSON.parse(r.text!) as ShopEvent);
      const reserve = (await waitFor('reserve command', () => parsed(topics.INVENTORY_COMMANDS_TOPIC)[0], { timeoutMs: 30_000 })) as ShopEvent<'shop.inventory.stock.reserve'>;
      expect(reserve.type).toBe('shop.inventory.stock.reserve');
      const reserved = makeEvent('shop.inventory.stock.reserved', order.id, { orderId: order.id, commandId: reserve.id, items: reserve.data.items, expiresAt: reserve.data.expiresAt }, { source: '/services/inventory', now: new Date() });
      await produceRaw(brokers, topics.INVENTORY_EVENTS_TOPIC, [{ key: order.id, value: JSON.stringify(reserved) }]);
      const authorize = await waitFor('authorize command', () => parsed(topics.PAYMENTS_COMMANDS_TOPIC)[0], { timeoutMs: 30_000 });
      expect(authorize).toMatchObject({ type: 'shop.payments.payment.authorize', data: { orderId: order.id, amountCents: 2500, currency: 'EUR' } });
      expect(parsed(topics.EVENTS_TOPIC).map((e) => e.type)).toContain('shop.orders.order.placed');

      const ready = await fetch(`${orders.url}/readyz`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${orders.url}/metrics`)).text();
      expect(metrics).toMatch(/^shop_orders_placed_total\{service="orders"\} 1$/m);
      expect(metrics).toMatch(/^shop_sagas_in_flight\{service="orders"\} 1$/m);
      expect(metrics).toMatch(/^shop_saga_step_duration_seconds_count\{service="orders",step="reserve_stock",outcome="ok"\} 1$/m);
      const openapi = (await (await fetch(`${orders.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(openapi.paths).sort()).toEqual(['/orders', '/orders/{id}', '/orders/{id}/events']);
    } finally {
      await collector.stop();
      orders.child.kill('SIGTERM');
    }
    const exit = await orders.exited;
    expect(exit, orders.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(orders.output()).not.toContain('tok_visa');
  });

  it.each([
    [{ SAGA_STEP_TIMEOUT_MS: 'soon' }, 'SAGA_STEP_TIMEOUT_MS'],
    [{ SAGA_STEP_BUDGET_MS: '50' }, 'SAGA_STEP_BUDGET_MS'],
    [{ CATALOG_URL: 'not a url' }, 'CATALOG_URL'],
    [{ INVENTORY_COMMANDS_TOPIC: 'Bad Topic!' }, 'INVENTORY_COMMANDS_TOPIC'],
  ] as const)('refuses to start with %j, naming the variable on one line', async (env, variable) => {
    const service = await spawnService({ name: 'orders', script: SERVER, env: { ...baseEnv(), ...env }, ready: false });
    const exit = await service.exited;
    expect(exit.code).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });
});
