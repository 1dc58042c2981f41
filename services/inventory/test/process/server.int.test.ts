// The real inventory process: migrates, provisions its topics, consumes saga commands, relays its
// replies, sweeps expired reservations on its timer, and exits 0 on SIGTERM.
import { makeEvent } from '@shopwatch/contracts';
import { createEventProducer, createKafkaClient, deleteTopics, issueToken, type EventProducer, type KafkaClient } from '@shopwatch/platform';
import { type Collector, createTestDatabase, infraEnv, startCollector, type TestDatabase, uniqueName, waitFor } from '@shopwatch/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROCESS_JWT_SECRET, spawnInventory, type InventoryProcess } from '../support/inventory-process.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.inventory-process');
const topics = { commands: `${base}.commands`, events: `${base}.events` };

let db: TestDatabase;
let inventory: InventoryProcess | undefined;
let client: KafkaClient;
let producer: EventProducer;
let collector: Collector | undefined;

beforeAll(async () => {
  db = await createTestDatabase('inventory-process');
  inventory = await spawnInventory(db.url, {
    COMMANDS_TOPIC: topics.commands,
    EVENTS_TOPIC: topics.events,
    CONSUMER_GROUP: `${base}-group`,
    RESERVATION_SWEEP_INTERVAL_MS: '200',
    LOW_STOCK_THRESHOLD: '0',
  });
  client = createKafkaClient({ brokers, clientId: 'inventory-process-test' });
  producer = createEventProducer({ client, registry: new Registry(), topicOf: () => topics.commands });
  await producer.connect();
  collector = await startCollector(brokers, [topics.events]);
}, 90_000);

afterAll(async () => {
  if (inventory && inventory.child.exitCode === null) inventory.child.kill('SIGKILL');
  await collector?.stop();
  await producer?.disconnect();
  if (client) await deleteTopics(client, Object.values(topics));
  await db?.drop();
});

const events = () => (collector?.records ?? []).map((r) => JSON.parse(r.text ?? 'null') as { type: string; subject: string; data: Record<string, unknown> });

it('serves the API, answers commands over Kafka, expires reservations and shuts down cleanly', async () => {
  const url = inventory!.url;
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(200);
  const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/stock/{productId}', '/stock', '/stock/{productId}/restock', '/reservations']));

  const productId = crypto.randomUUID();
  const token = await issueToken({ secret: PROCESS_JWT_SECRET }, { subject: 'admin', role: 'admin' });
  const restock = await fetch(`${url}/stock/${productId}/restock`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ quantity: 5 }),
  });
  expect(restock.status).toBe(200);

  // One reservation that is committed, one that is left to expire.
  const kept = crypto.randomUUID();
  const abandoned = crypto.randomUUID();
  const now = () => new Date();
  const reserve = (orderId: string, quantity: number, ttlMs: number) =>
    makeEvent('shop.inventory.stock.reserve', orderId, { orderId, items: [{ productId, quantity }], expiresAt: new Date(Date.now() + ttlMs).toISOString() }, { source: '/test', now });
  // Kept first (its reply awaited), so the abandoned one is what takes availability to 0.
  await producer.publish([reserve(kept, 2, 600_000), makeEvent('shop.inventory.stock.commit', kept, { orderId: kept }, { source: '/test', now })]);
  await waitFor('kept committed', () => events().some((e) => e.type === 'shop.inventory.stock.committed' && e.subject === kept), { timeoutMs: 30_000 });
  await producer.publish([reserve(abandoned, 3, 5_000)]);

  const seen = await waitFor(
    'reserved ×2, committed, expiry release and the out-of-stock fact',
    () => {
      const types = events().map((e) => `${e.type}:${e.subject}`);
      const wanted = [
        `shop.inventory.stock.reserved:${kept}`,
        `shop.inventory.stock.reserved:${abandoned}`,
        `shop.inventory.stock.committed:${kept}`,
        `shop.inventory.stock.released:${abandoned}`,
      ];
      return wanted.every((w) => types.includes(w)) ? events() : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  expect(seen.find((e) => e.type === 'shop.inventory.stock.released')?.data).toEqual({
    orderId: abandoned,
    reason: 'expired',
    outcome: 'released',
    items: [{ productId, quantity: 3 }],
  });
  // 5 − 2 − 3 reached 0 (threshold 0): one low-stock fact.
  expect(seen.filter((e) => e.type === 'shop.inventory.stock.low').map((e) => e.data)).toEqual([{ productId, available: 0, threshold: 0 }]);
  const stock = (await (await fetch(`${url}/stock/${productId}`)).json()) as Record<string, unknown>;
  expect(stock).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toMatch(/shop_inventory_reservations_settled_total\{[^}]*outcome="expired"[^}]*\} 1/);
  expect(metrics).toMatch(/inbox_events_handled_total\{[^}]*\} 3/);

  inventory!.child.kill('SIGTERM');
  const exit = await inventory!.exited;
  expect(exit, inventory!.output().slice(-3000)).toEqual({ code: 0, signal: null });
  expect(inventory!.output()).toContain('shutdown complete');
}, 90_000);
