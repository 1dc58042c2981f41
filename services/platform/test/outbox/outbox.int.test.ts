import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { context } from '@opentelemetry/api';
import { InvalidEventError, parseEvent, type ShopEvent } from '@shopwatch/contracts';
import { type Collector, infraEnv, startCollector, waitFor } from '@shopwatch/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../src/db/index.ts';
import { createEventProducer, type EventProducer } from '../../src/kafka/index.ts';
import { enqueue, enqueueAll, relayBatch, startOutboxRelay } from '../../src/outbox/index.ts';
import { createTestTopics, productViewed, type TestTopics } from '../kafka/fixtures.ts';
import { contextWithTrace, registerTestTracing } from '../kafka/trace-context.ts';
import { createMigratedDatabase, type MigratedDatabase } from './database.ts';

const RELAY_SCRIPT = fileURLToPath(new URL('./relay-process.ts', import.meta.url));

let db: MigratedDatabase;
let topics: TestTopics;
let collector: Collector;
let producer: EventProducer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  registerTestTracing();
  db = await createMigratedDatabase('outbox');
  topics = await createTestTopics('outbox', 3);
  producer = createEventProducer({ client: topics.client, registry: new Registry(), deadLetterTopic: topics.deadLetterTopic });
  await producer.connect();
  collector = await startCollector(topics.brokers, [topics.topic, topics.deadLetterTopic]);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await collector?.stop();
  await producer?.disconnect();
  await db?.close();
  await topics?.cleanup();
});

/** `count` events over `keys` keys, each key's events in the order they must arrive. */
function plan(label: string, count: number, keys: number): ShopEvent[] {
  return Array.from({ length: count }, (_, n) => productViewed(`${label}-${n % keys}`, `${label}-seq-${n}`));
}

/** Enqueues events in transactions of `perTransaction`, `workers` transactions at a time. Each key
 * belongs to one worker, so the order every key's events commit in is the planned order.
 * `oneByOne` uses `enqueue` per event, otherwise one `enqueueAll` per transaction. */
async function enqueueInTransactions(
  events: readonly ShopEvent[],
  perTransaction: number,
  workers: number,
  oneByOne = false,
): Promise<void> {
  const byWorker = Array.from({ length: workers }, () => [] as ShopEvent[]);
  for (const event of events) {
    const key = Number(event.subject.split('-').at(-1));
    byWorker[key % workers]?.push(event);
  }
  await Promise.all(
    byWorker.map(async (mine) => {
      for (let start = 0; start < mine.length; start += perTransaction) {
        const batch = mine.slice(start, start + perTransaction);
        await withTransaction(db.pool, async (client) => {
          if (!oneByOne) return enqueueAll(client, batch, { topic: topics.topic });
          for (const event of batch) await enqueue(client, event, { topic: topics.topic });
        });
      }
    }),
  );
}

interface Arrival {
  id: string;
  key: string;
  partition: number;
}

/** Events of `events` that reached the topic, in arrival order (per partition: offset order). */
function arrivals(events: readonly ShopEvent[]): Arrival[] {
  const wanted = new Set(events.map((event) => event.id));
  const found: Arrival[] = [];
  for (const record of collector.records) {
    if (record.topic !== topics.topic) continue;
    const parsed = parseEvent(record.value ?? '');
    if (parsed.ok && wanted.has(parsed.event.id)) {
      found.push({ id: parsed.event.id, key: record.key ?? '', partition: record.partition });
    }
  }
  return found;
}

function distinct(found: readonly Arrival[]): number {
  return new Set(found.map((arrival) => arrival.id)).size;
}

/** Asserts every key's events first arrived in planned order, all on one partition. */
function expectPerKeyOrder(events: readonly ShopEvent[], found: readonly Arrival[]): void {
  const firstSeen = new Map<string, string[]>();
  const partitions = new Map<string, Set<number>>();
  const seen = new Set<string>();
  for (const arrival of found) {
    partitions.set(arrival.key, (partitions.get(arrival.key) ?? new Set()).add(arrival.partition));
    if (seen.has(arrival.id)) continue;
    seen.add(arrival.id);
    firstSeen.set(arrival.key, [...(firstSeen.get(arrival.key) ?? []), arrival.id]);
  }
  const planned = new Map<string, string[]>();
  for (const event of events) planned.set(event.subject, [...(planned.get(event.subject) ?? []), event.id]);
  expect(firstSeen).toEqual(planned);
  for (const set of partitions.values()) expect(set.size).toBe(1);
}

async function outboxRows(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
  return rows[0]?.n ?? -1;
}

function spawnRelay(batchSize: number): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const { kafkaBrokers } = infraEnv();
  const child = spawn(process.execPath, [RELAY_SCRIPT], {
    env: { ...process.env, DATABASE_URL: db.database.url, KAFKA_BROKERS: kafkaBrokers.join(','), RELAY_BATCH_SIZE: String(batchSize) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ready = waitFor('relay process ready', () => output.includes('ready'), { timeoutMs: 30_000 }).then(() => undefined);
  return { child, ready, output: () => output };
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

describe('transactional outbox', () => {
  it('publishes only what committed, and refuses an invalid event', async () => {
    const kept = productViewed('tx-kept');
    const dropped = productViewed('tx-dropped');
    await withTransaction(db.pool, (client) => enqueue(client, kept, { topic: topics.topic }));
    await expect(
      withTransaction(db.pool, async (client) => {
        await enqueue(client, dropped, { topic: topics.topic });
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    const invalid = { ...productViewed('tx-invalid'), data: {} } as unknown as ShopEvent;
    await expect(withTransaction(db.pool, (client) => enqueue(client, invalid))).rejects.toThrow(InvalidEventError);
    const { rows } = await db.pool.query<{ event_id: string }>('SELECT event_id FROM outbox');
    expect(rows.map((row) => row.event_id)).toEqual([kept.id]);
    await db.pool.query('DELETE FROM outbox');
  });

  it('never deadlocks when transactions enqueue overlapping keys in opposite orders', async () => {
    const keys = Array.from({ length: 8 }, (_, n) => `lock-${n}`);
    const write = (order: string[]) =>
      withTransaction(db.pool, (client) => enqueueAll(client, order.map((key) => productViewed(key)), { topic: topics.topic }));
    // With one lock per enqueue call taken in call order, these pairs would deadlock (40P01).
    for (let round = 0; round < 20; round += 1) {
      await Promise.all([write(keys), write([...keys].reverse()), write(keys.slice(3).concat(keys.slice(0, 3)))]);
    }
    expect(await outboxRows()).toBe(60 * 8);
    await db.pool.query('DELETE FROM outbox');
  });

  it('defers a claimed event while an earlier event of its key is left unclaimed', async () => {
    // The claim can win a key's lock on a later row after skipping an earlier one (another relay
    // held the key when the scan reached it, then committed). A row lock held here on the earlier
    // row makes the claim skip it the same way, deterministically.
    const [first, second] = [productViewed('gap-key', 'gap-1'), productViewed('gap-key', 'gap-2')];
    await withTransaction(db.pool, (client) => enqueueAll(client, [first, second], { topic: topics.topic }));
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM outbox WHERE event_id = $1 FOR UPDATE', [first.id]);
      expect(await relayBatch({ pool: db.pool, producer })).toBe(0);
      expect(await outboxRows()).toBe(2);
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
    }
    expect(await relayBatch({ pool: db.pool, producer })).toBe(2);
    await waitFor('both events on the topic', () => arrivals([first, second]).length === 2, { timeoutMs: 30_000 });
    expect(arrivals([first, second]).map((arrival) => arrival.id)).toEqual([first.id, second.id]);
  });

  it('publishes 1,000 events committed in transactions, all of them, each key in order', async () => {
    const registry = new Registry();
    const relay = startOutboxRelay({ pool: db.pool, producer, registry, batchSize: 100 });
    const events = plan('thousand', 1_000, 25);
    try {
      // The relay is running while transactions commit: it is woken by NOTIFY and races them.
      await enqueueInTransactions(events, 10, 5, true);
      await waitFor('1,000 events on the topic', () => distinct(arrivals(events)) === 1_000, { timeoutMs: 60_000 });
    } finally {
      await relay.stop();
    }
    const found = arrivals(events);
    expect(found).toHaveLength(1_000); // no crash, so no duplicates either
    expectPerKeyOrder(events, found);
    expect(await outboxRows()).toBe(0);
    const metrics = await registry.getMetricsAsJSON();
    const value = (name: string, series = name) =>
      metrics
        .find((metric) => metric.name === name)
        ?.values.filter((v) => ((v as { metricName?: string }).metricName ?? name) === series)
        .reduce((sum, v) => sum + v.value, 0);
    expect(value('outbox_published_total')).toBe(1_000);
    expect(value('outbox_backlog_events')).toBe(0);
    expect(value('outbox_publish_latency_seconds', 'outbox_publish_latency_seconds_count')).toBe(1_000);
  });

  it('loses nothing when a relay is killed mid-way and another takes over', async () => {
    const events = plan('killed', 1_000, 20);
    await enqueueInTransactions(events, 50, 4);
    const first = spawnRelay(10);
    await first.ready;
    // Kill it (no chance to clean up) once it has published some but not all.
    const remaining = await waitFor('relay half-way', async () => {
      const rows = await outboxRows();
      return rows <= 700 && rows;
    }, { timeoutMs: 30_000, intervalMs: 10 });
    await terminate(first.child, 'SIGKILL');
    expect(remaining).toBeGreaterThan(0);
    expect(await outboxRows()).toBeGreaterThan(0);
    const beforeRestart = distinct(arrivals(events));
    expect(beforeRestart).toBeLessThan(1_000);

    const second = spawnRelay(100);
    await second.ready;
    await waitFor('all 1,000 events on the topic', () => distinct(arrivals(events)) === 1_000, { timeoutMs: 60_000 });
    await terminate(second.child, 'SIGTERM');
    const found = arrivals(events);
    expectPerKeyOrder(events, found);
    expect(await outboxRows()).toBe(0);
    console.log(`outbox kill test: ${beforeRestart} distinct before the kill, ${found.length - 1_000} duplicates after takeover`);
  });

  it('two relays at once publish every event exactly once, each key in order', async () => {
    const events = plan('pair', 1_000, 100);
    await enqueueInTransactions(events, 100, 4);
    const relays = [spawnRelay(50), spawnRelay(50)];
    await Promise.all(relays.map((relay) => relay.ready));
    const started = performance.now();
    await waitFor('all 1,000 events on the topic', () => distinct(arrivals(events)) === 1_000, { timeoutMs: 60_000 });
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(relays.map((relay) => terminate(relay.child, 'SIGTERM')));
    const found = arrivals(events);
    const counts = new Map<string, number>();
    for (const arrival of found) counts.set(arrival.id, (counts.get(arrival.id) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect(found).toHaveLength(1_000);
    expectPerKeyOrder(events, found);
    const shares = relays.map((relay) => Number(/published (\d+)/.exec(relay.output())?.[1] ?? -1));
    expect(shares.reduce((a, b) => a + b, 0)).toBe(1_000);
    console.log(`two relays: published ${shares.join(' + ')} events; ${Math.round(1_000 / seconds)} events/s (from both ready to the last event consumed)`);
  });

  it('drains a backlog of 5,000 events with one relay (prints the rate; not a timed assertion)', async () => {
    const events = plan('backlog', 5_000, 50);
    await enqueueInTransactions(events, 500, 5);
    const started = performance.now();
    const relay = startOutboxRelay({ pool: db.pool, producer, registry: new Registry(), batchSize: 500 });
    try {
      await waitFor('outbox drained', async () => (await outboxRows()) === 0, { timeoutMs: 60_000, intervalMs: 20 });
    } finally {
      await relay.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    await waitFor('5,000 events on the topic', () => distinct(arrivals(events)) === 5_000, { timeoutMs: 60_000 });
    expectPerKeyOrder(events, arrivals(events));
    console.log(`one relay drained 5000 events in ${seconds.toFixed(2)} s: ${Math.round(5_000 / seconds)} events/s (batch 500)`);
  });

  it('carries the trace context of the enqueueing transaction to the published message', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const traced = productViewed('traced');
    await context.with(contextWithTrace(traceId), () =>
      withTransaction(db.pool, (client) => enqueue(client, traced, { topic: topics.topic })),
    );
    const relay = startOutboxRelay({ pool: db.pool, producer, registry: new Registry() });
    try {
      const record = await waitFor('traced event published', () =>
        collector.records.find((r) => {
          const parsed = parseEvent(r.value ?? '');
          return parsed.ok && parsed.event.id === traced.id;
        }),
      );
      // Same trace as the request that enqueued it, even though the relay (with no active span) sent it.
      expect(record.headers['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    } finally {
      await relay.stop();
    }
  });

  it('dead-letters an outbox row that no longer passes validation instead of blocking the rest', async () => {
    const good = productViewed('stale-good');
    await db.pool.query(
      `INSERT INTO outbox (event_id, event_type, topic, event_key, envelope) VALUES ($1, $2, $3, $4, $5)`,
      [crypto.randomUUID(), 'shop.catalog.product.viewed', topics.topic, 'stale-bad', JSON.stringify({ ...good, id: crypto.randomUUID(), data: { productId: 5 } })],
    );
    await withTransaction(db.pool, (client) => enqueue(client, good, { topic: topics.topic }));
    const relay = startOutboxRelay({ pool: db.pool, producer, registry: new Registry() });
    try {
      await waitFor('good event published', () => arrivals([good]).length === 1, { timeoutMs: 30_000 });
      const letter = await waitFor('stale row dead-lettered', () =>
        collector.records.find((record) => record.topic === topics.deadLetterTopic && record.key === 'stale-bad'),
      );
      expect(letter.headers['dlq-reason']).toBe('invalid-payload');
      expect(letter.headers['dlq-original-topic']).toBe(topics.topic);
    } finally {
      await relay.stop();
    }
    expect(await outboxRows()).toBe(0);
  });
});
