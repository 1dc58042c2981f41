// Inventory as a saga participant over real Kafka and PostgreSQL: commands in, replies out through
// the outbox relay, redelivery without a second effect, poison messages dead-lettered.
import { randomUUID } from 'node:crypto';
import { makeEvent, type EventData, type ShopEvent } from '@shopwatch/contracts';
import {
  createEventProducer,
  createKafkaClient,
  createLogger,
  deleteTopics,
  ensureTopics,
  startEventConsumer,
  startOutboxRelay,
  type EventConsumer,
  type EventProducer,
  type KafkaClient,
  type OutboxRelay,
} from '@shopwatch/platform';
import { type Collector, infraEnv, produceRaw, type RawRecord, startCollector, uniqueName, waitFor } from '@shopwatch/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyEventId } from '../../src/domain/event-ids.ts';
import { createCommandHandler } from '../../src/plugins/command-handler.ts';
import { count, startInventory, stockRow, type InventoryFixture } from '../support/inventory-fixture.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.inventory');
// One partition each, so "the consumer continues" and "nothing came after" are about one log.
const topics = { commands: `${base}.commands`, events: `${base}.events`, deadLetters: `${base}.deadletter` };
const groupId = `inventory-test-${process.pid}-${Date.now()}`;

let f: InventoryFixture;
let client: KafkaClient;
let commands: EventProducer;
let relayProducer: EventProducer;
let relay: OutboxRelay;
let consumer: EventConsumer;
let collector: Collector;

beforeAll(async () => {
  client = createKafkaClient({ brokers, clientId: 'inventory-commands-test' });
  await ensureTopics(client, [
    { topic: topics.commands, partitions: 1 },
    { topic: topics.events, partitions: 1 },
    { topic: topics.deadLetters, partitions: 1 },
  ]);
  f = await startInventory({ eventsTopic: topics.events, lowStockThreshold: 2 });
  relayProducer = createEventProducer({ client, registry: new Registry() });
  await relayProducer.connect();
  relay = startOutboxRelay({ pool: f.pool, producer: relayProducer, registry: new Registry(), pollIntervalMs: 200 });
  const logger = createLogger({ service: 'inventory', level: 'silent' });
  consumer = await startEventConsumer({
    client,
    groupId,
    topics: [topics.commands],
    registry: new Registry(),
    fromBeginning: true,
    deadLetterTopic: topics.deadLetters,
    retry: { initialDelayMs: 20, maxDelayMs: 200 },
    maxWaitTimeMs: 200,
    handler: createCommandHandler({ pool: f.pool, operations: f.app.inventory, consumerGroup: groupId, logger, faults: () => f.faults.inventory }),
  });
  commands = createEventProducer({ client, registry: new Registry(), topicOf: () => topics.commands });
  await commands.connect();
  collector = await startCollector(brokers, [topics.events, topics.deadLetters]);
}, 60_000);

afterAll(async () => {
  await consumer?.stop();
  await collector?.stop();
  await commands?.disconnect();
  await relay?.stop();
  await relayProducer?.disconnect();
  await f?.close();
  if (client) await deleteTopics(client, Object.values(topics));
});

const clock = () => new Date();
const inAMinute = () => new Date(Date.now() + 60_000).toISOString();

function command<T extends 'shop.inventory.stock.reserve' | 'shop.inventory.stock.release' | 'shop.inventory.stock.commit'>(
  type: T,
  data: EventData<T>,
): ShopEvent<T> {
  return makeEvent(type, data.orderId, data, { source: '/services/orders', now: clock });
}

interface Reply {
  record: RawRecord;
  event: { id: string; type: string; subject: string; data: Record<string, unknown> };
}

const replies = (): Reply[] =>
  collector.records
    .filter((r) => r.topic === topics.events)
    .map((record) => ({ record, event: JSON.parse(record.text ?? 'null') as Reply['event'] }));
const repliesTo = (commandId: string) => replies().filter((r) => r.event.data['commandId'] === commandId);
const deadLetters = () => collector.records.filter((r) => r.topic === topics.deadLetters);

async function replyTo(commandId: string): Promise<Reply> {
  return waitFor(`reply to ${commandId}`, () => repliesTo(commandId)[0], { timeoutMs: 30_000, intervalMs: 50 });
}

/** Sends `events` in order and waits for the reply to the last one: everything before it was handled. */
async function sendAndSettle(...events: ShopEvent[]): Promise<Reply> {
  await commands.publish(events);
  return replyTo(events.at(-1)!.id);
}

describe('saga commands over Kafka', () => {
  it('reserves and replies `reserved` keyed by the order id, with an id derived from the command id', async () => {
    const p = randomUUID();
    await f.restock(p, 5);
    const orderId = randomUUID();
    const reserve = command('shop.inventory.stock.reserve', { orderId, items: [{ productId: p, quantity: 2 }], expiresAt: inAMinute() });
    const reply = await sendAndSettle(reserve);
    expect(reply.record.key).toBe(orderId);
    expect(reply.event).toMatchObject({
      id: replyEventId(reserve.id, 'shop.inventory.stock.reserved'),
      type: 'shop.inventory.stock.reserved',
      subject: orderId,
      data: { orderId, commandId: reserve.id, items: [{ productId: p, quantity: 2 }], expiresAt: reserve.data.expiresAt },
    });
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 5, reserved: 2, available: 3 });
  });

  it('answers out_of_stock and unknown_product with the shortfall and reserves nothing', async () => {
    const p = randomUUID();
    await f.restock(p, 1);
    const short = command('shop.inventory.stock.reserve', { orderId: randomUUID(), items: [{ productId: p, quantity: 2 }], expiresAt: inAMinute() });
    const missing = randomUUID();
    const unknown = command('shop.inventory.stock.reserve', { orderId: randomUUID(), items: [{ productId: p, quantity: 1 }, { productId: missing, quantity: 1 }], expiresAt: inAMinute() });
    const notAUuid = command('shop.inventory.stock.reserve', { orderId: randomUUID(), items: [{ productId: 'sku-42', quantity: 1 }], expiresAt: inAMinute() });
    await sendAndSettle(short, unknown, notAUuid);
    expect((await replyTo(short.id)).event).toMatchObject({
      type: 'shop.inventory.stock.reservation-failed',
      data: { reason: 'out_of_stock', shortfall: [{ productId: p, requested: 2, available: 1 }] },
    });
    expect((await replyTo(unknown.id)).event).toMatchObject({
      type: 'shop.inventory.stock.reservation-failed',
      data: { reason: 'unknown_product', shortfall: [{ productId: missing, requested: 1, available: 0 }] },
    });
    expect((await replyTo(notAUuid.id)).event.data).toMatchObject({ reason: 'unknown_product' });
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 1, reserved: 0, available: 1 });
  });

  it('each command delivered twice has one effect and one reply', async () => {
    const p = randomUUID();
    await f.restock(p, 10);
    const orderId = randomUUID();
    const reserve = command('shop.inventory.stock.reserve', { orderId, items: [{ productId: p, quantity: 3 }], expiresAt: inAMinute() });
    const commit = command('shop.inventory.stock.commit', { orderId });
    const otherOrder = randomUUID();
    const reserveOther = command('shop.inventory.stock.reserve', { orderId: otherOrder, items: [{ productId: p, quantity: 2 }], expiresAt: inAMinute() });
    const release = command('shop.inventory.stock.release', { orderId: otherOrder, reason: 'payment_declined' });
    // Every message twice, duplicates right behind the originals, then a marker that proves all were handled.
    const marker = command('shop.inventory.stock.release', { orderId: randomUUID(), reason: 'marker' });
    await sendAndSettle(reserve, reserve, reserveOther, reserveOther, commit, commit, release, release, marker);

    for (const cmd of [reserve, reserveOther, commit, release]) expect(repliesTo(cmd.id), cmd.type).toHaveLength(1);
    expect((await replyTo(commit.id)).event).toMatchObject({ type: 'shop.inventory.stock.committed', data: { items: [{ productId: p, quantity: 3 }] } });
    expect((await replyTo(release.id)).event).toMatchObject({ type: 'shop.inventory.stock.released', data: { outcome: 'released', items: [{ productId: p, quantity: 2 }] } });
    // 3 committed (left on hand), 2 reserved then released: nothing held, 7 on hand.
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 7, reserved: 0, available: 7 });
    expect(await count(f.pool, 'SELECT count(*) AS n FROM inbox WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])', [groupId, [reserve.id, commit.id, reserveOther.id, release.id]])).toBe(4);
  });

  it('a command re-sent under a new id (orchestrator retry) gets the same answer and no second effect', async () => {
    const p = randomUUID();
    await f.restock(p, 10);
    const orderId = randomUUID();
    const items = [{ productId: p, quantity: 4 }];
    const expiresAt = inAMinute();
    const first = command('shop.inventory.stock.reserve', { orderId, items, expiresAt });
    const retry = command('shop.inventory.stock.reserve', { orderId, items, expiresAt });
    const release1 = command('shop.inventory.stock.release', { orderId, reason: 'shipment_failed' });
    const release2 = command('shop.inventory.stock.release', { orderId, reason: 'shipment_failed' });
    const commitLate = command('shop.inventory.stock.commit', { orderId });
    await sendAndSettle(first, retry, release1, release2, commitLate);
    const [a, b] = [await replyTo(first.id), await replyTo(retry.id)];
    expect(a.event.id).not.toBe(b.event.id);
    expect(b.event.data).toEqual({ ...a.event.data, commandId: retry.id });
    expect((await replyTo(release1.id)).event.data).toMatchObject({ outcome: 'released', reason: 'shipment_failed' });
    expect((await replyTo(release2.id)).event.data).toMatchObject({ outcome: 'already_released', items });
    expect((await replyTo(commitLate.id)).event).toMatchObject({ type: 'shop.inventory.stock.commit-failed', data: { reason: 'reservation_released' } });
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 10, reserved: 0, available: 10 });
  });

  it('dead-letters malformed commands with the reason and keeps handling the next ones', async () => {
    const p = randomUUID();
    await f.restock(p, 3);
    const orderId = randomUUID();
    const invalidPayload = JSON.stringify({
      id: randomUUID(),
      type: 'shop.inventory.stock.reserve',
      source: '/services/orders',
      time: new Date().toISOString(),
      subject: orderId,
      data: { orderId, items: [{ productId: p, quantity: 0 }], expiresAt: inAMinute() },
    });
    // A valid event of a type inventory does not handle, sent to its commands topic by mistake.
    const wrongType = makeEvent('shop.inventory.stock.low', p, { productId: p, available: 0, threshold: 1 }, { source: '/test', now: clock });
    await produceRaw(brokers, topics.commands, [
      { key: orderId, value: Buffer.from([0xff, 0xfe, 0x00]) },
      { key: orderId, value: '{"id": "not json' },
      { key: orderId, value: invalidPayload },
      { key: p, value: JSON.stringify(wrongType) },
    ]);
    const good = command('shop.inventory.stock.reserve', { orderId, items: [{ productId: p, quantity: 1 }], expiresAt: inAMinute() });
    const reply = await sendAndSettle(good);
    expect(reply.event.type).toBe('shop.inventory.stock.reserved');

    const letters = await waitFor('four dead letters', () => (deadLetters().length >= 4 ? deadLetters() : undefined), { timeoutMs: 15_000 });
    expect(letters.map((r) => r.headers['dlq-reason'])).toEqual(['unparseable', 'unparseable', 'invalid-payload', 'handler-rejected']);
    expect(letters[2]!.headers['dlq-detail']).toContain('/items/0/quantity');
    expect(letters[3]!.headers['dlq-detail']).toContain('shop.inventory.stock.low');
    expect(letters.every((r) => r.headers['dlq-original-topic'] === topics.commands)).toBe(true);
    // The poison messages changed nothing; only the good command reserved its unit.
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 3, reserved: 1, available: 2 });
  });

  it('publishes a low-stock fact keyed by the product when a reservation crosses the threshold', async () => {
    const p = randomUUID();
    await f.restock(p, 4); // threshold 2 in this file
    const a = command('shop.inventory.stock.reserve', { orderId: randomUUID(), items: [{ productId: p, quantity: 1 }], expiresAt: inAMinute() });
    const b = command('shop.inventory.stock.reserve', { orderId: randomUUID(), items: [{ productId: p, quantity: 1 }], expiresAt: inAMinute() });
    const c = command('shop.inventory.stock.reserve', { orderId: randomUUID(), items: [{ productId: p, quantity: 1 }], expiresAt: inAMinute() });
    await sendAndSettle(a, b, c);
    const lows = () => replies().filter((r) => r.event.type === 'shop.inventory.stock.low' && r.event.subject === p);
    const low = await waitFor('low-stock fact', () => (lows().length > 0 ? lows() : undefined), { timeoutMs: 15_000 });
    // 4 → 3 → 2 (crossing) → 1: one fact.
    expect(low.map((r) => r.event.data)).toEqual([{ productId: p, available: 2, threshold: 2 }]);
    expect(low[0]!.record.key).toBe(p);
  });
});

describe('faults file', () => {
  it('inventory.consumerDelayMs delays each command before it is handled', async () => {
    const p = randomUUID();
    await f.restock(p, 1);
    f.faults.inventory.consumerDelayMs = 400;
    try {
      const reserve = command('shop.inventory.stock.reserve', { orderId: randomUUID(), items: [{ productId: p, quantity: 1 }], expiresAt: inAMinute() });
      const started = Date.now();
      await sendAndSettle(reserve);
      // A lower bound only: the handler waited at least the injected delay.
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    } finally {
      f.faults.inventory.consumerDelayMs = 0;
    }
  });
});

describe('the platform classifier on inventory commands', () => {
  it('a command PostgreSQL refuses as data (SQLSTATE 22021, a NUL in the order id) is dead-lettered with the SQLSTATE; the partition keeps flowing', async () => {
    const p = randomUUID();
    await f.restock(p, 2);
    const lettersBefore = deadLetters().length;
    // Valid for the contract (any 1–100 characters), refused by PostgreSQL's text type on every try.
    const poison = command('shop.inventory.stock.reserve', { orderId: `order-\u0000-${randomUUID()}`, items: [{ productId: p, quantity: 1 }], expiresAt: inAMinute() });
    const good = command('shop.inventory.stock.reserve', { orderId: randomUUID(), items: [{ productId: p, quantity: 1 }], expiresAt: inAMinute() });
    expect((await sendAndSettle(poison, good)).event.type).toBe('shop.inventory.stock.reserved');
    const letter = await waitFor('the poison command dead-lettered', () => deadLetters().slice(lettersBefore).find((r) => r.text?.includes(poison.id)), { timeoutMs: 15_000 });
    expect(letter.headers['dlq-reason']).toBe('handler-rejected');
    expect(letter.headers['dlq-detail']).toContain('SQLSTATE 22021');
    expect(repliesTo(poison.id)).toHaveLength(0);
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 2, reserved: 1, available: 1 });
  });

  it('a commit re-sent under a new id after it was done answers committed again and takes the stock once', async () => {
    const p = randomUUID();
    await f.restock(p, 5);
    const orderId = randomUUID();
    const items = [{ productId: p, quantity: 2 }];
    const reserve = command('shop.inventory.stock.reserve', { orderId, items, expiresAt: inAMinute() });
    const commit = command('shop.inventory.stock.commit', { orderId });
    const again = command('shop.inventory.stock.commit', { orderId });
    await sendAndSettle(reserve, commit, again);
    expect((await replyTo(commit.id)).event).toMatchObject({ type: 'shop.inventory.stock.committed', data: { items } });
    expect((await replyTo(again.id)).event).toMatchObject({ type: 'shop.inventory.stock.committed', data: { commandId: again.id, items } });
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 3, reserved: 0, available: 3 });
  });
});
