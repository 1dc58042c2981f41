import { context, trace } from '@opentelemetry/api';
import type { ShopEvent } from '@shopwatch/contracts';
import { type Collector, produceRaw, startCollector, waitFor } from '@shopwatch/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventProducer,
  PermanentError,
  startEventConsumer,
  type EventConsumer,
  type EventHandler,
  type EventProducer,
} from '../../src/kafka/index.ts';
import { createTestTopics, productViewed, type TestTopics } from './fixtures.ts';
import { registerTestTracing } from './trace-context.ts';

// One partition, so "the consumer keeps going" is about the very next message in the same log.
let topics: TestTopics;
let producer: EventProducer;
let deadLetters: Collector;
let consumer: EventConsumer | undefined;
const registry = new Registry();
const groupId = `consumer-test-${process.pid}-${Date.now()}`;

interface Seen {
  event: ShopEvent;
  attempt: number;
  traceId: string | undefined;
}
const seen: Seen[] = [];
const failuresLeft = new Map<string, number>();

// Behaviour is chosen by the session id of the product-viewed event under test.
const handler: EventHandler = async (event, message) => {
  const session = event.type === 'shop.catalog.product.viewed' ? event.data.sessionId : undefined;
  if (session === 'reject') throw new PermanentError('product does not exist');
  // What node-postgres throws for a unique violation, wrapped by the handler's own error.
  if (session === 'duplicate') throw new Error('recording the view failed', { cause: Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }) });
  const left = failuresLeft.get(event.id) ?? 0;
  if (left > 0) {
    failuresLeft.set(event.id, left - 1);
    throw new Error('database unavailable');
  }
  // Read after an asynchronous hop: the trace context must survive awaits inside the handler.
  await new Promise((resolve) => setImmediate(resolve));
  seen.push({ event, attempt: message.attempt, traceId: trace.getSpanContext(context.active())?.traceId });
};

function start(): Promise<EventConsumer> {
  return startEventConsumer({
    client: topics.client,
    groupId,
    topics: [topics.topic],
    handler,
    registry,
    fromBeginning: true,
    deadLetterTopic: topics.deadLetterTopic,
    retry: { initialDelayMs: 20, maxDelayMs: 50, maxAttempts: 5 },
  });
}

beforeAll(async () => {
  registerTestTracing();
  topics = await createTestTopics('consumer', 1);
  producer = createEventProducer({ client: topics.client, registry: new Registry(), topicOf: () => topics.topic });
  await producer.connect();
  deadLetters = await startCollector(topics.brokers, [topics.deadLetterTopic]);
  consumer = await start();
});

afterAll(async () => {
  await consumer?.stop();
  await deadLetters?.stop();
  await producer?.disconnect();
  await topics?.cleanup();
});

const seenIds = () => seen.map((entry) => entry.event.id);

describe('event consumer', () => {
  it('dead-letters raw bytes, bad JSON and schema-invalid JSON with the reason, and handles the next good message', async () => {
    const good = productViewed('p-good');
    const schemaInvalid = { ...productViewed('p-bad'), data: { productId: 42 } };
    await produceRaw(topics.brokers, topics.topic, [
      { key: 'k1', value: Buffer.from([0xc3, 0x28, 0xff, 0x00]), headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
      { key: 'k2', value: '{"id": "broken' },
      { key: 'k3', value: JSON.stringify(schemaInvalid) },
      { key: 'k4', value: null },
      { key: good.subject, value: JSON.stringify(good) },
    ]);

    await waitFor('the good message handled', () => seenIds().includes(good.id), { timeoutMs: 30_000 });
    const letters = await waitFor('four dead letters', () => deadLetters.records.length >= 4 && deadLetters.records);
    expect(letters.map((record) => [record.key, record.headers['dlq-reason']])).toEqual([
      ['k1', 'unparseable'],
      ['k2', 'unparseable'],
      ['k3', 'invalid-payload'],
      ['k4', 'unparseable'],
    ]);
    const [raw, , invalid] = letters;
    // The original bytes and headers travel untouched, with where they came from.
    expect(raw?.value).toEqual(Buffer.from([0xc3, 0x28, 0xff, 0x00]));
    expect(raw?.headers['traceparent']).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(raw?.headers['dlq-original-topic']).toBe(topics.topic);
    expect(raw?.headers['dlq-original-partition']).toBe('0');
    expect(raw?.headers['dlq-original-offset']).toBe('0');
    expect(raw?.headers['dlq-consumer-group']).toBe(groupId);
    expect(invalid?.headers['dlq-detail']).toContain('/productId');
    expect(JSON.parse(String(invalid?.value))).toEqual(schemaInvalid);
  });

  it('runs the handler inside the trace context carried by the message', async () => {
    const event = productViewed('p-traced');
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    await produceRaw(topics.brokers, topics.topic, [
      { key: event.subject, value: JSON.stringify(event), headers: { traceparent: `00-${traceId}-1111111111111111-01` } },
    ]);
    const entry = await waitFor('traced event handled', () => seen.find((s) => s.event.id === event.id));
    expect(entry.traceId).toBe(traceId);
  });

  it('dead-letters a message whose handler fails permanently, retries transient failures, and gives up after the retry budget', async () => {
    const rejected = productViewed('p-gone', 'reject');
    const duplicate = productViewed('p-dup', 'duplicate');
    const flaky = productViewed('p-flaky');
    const hopeless = productViewed('p-hopeless');
    const after = productViewed('p-after');
    failuresLeft.set(flaky.id, 2);
    failuresLeft.set(hopeless.id, 1_000);
    await producer.publish([rejected, duplicate, flaky, hopeless, after]);

    await waitFor('the message after them handled', () => seenIds().includes(after.id), { timeoutMs: 30_000 });
    expect(seen.find((s) => s.event.id === flaky.id)?.attempt).toBe(3);
    expect(seenIds()).not.toContain(rejected.id);
    const letter = await waitFor('rejected message dead-lettered', () =>
      deadLetters.records.find((record) => record.headers['dlq-reason'] === 'handler-rejected'),
    );
    expect((JSON.parse(String(letter.value)) as { id: string }).id).toBe(rejected.id);
    expect(letter.headers['dlq-detail']).toBe('PermanentError: product does not exist');
    // A constraint violation (SQLSTATE class 23) would fail again on every retry: dead-lettered at once, with its SQLSTATE.
    const constraint = await waitFor('constraint violation dead-lettered', () =>
      deadLetters.records.find((record) => record.headers['dlq-reason'] === 'handler-rejected' && record.headers['dlq-detail']?.includes('SQLSTATE')),
    );
    expect((JSON.parse(String(constraint.value)) as { id: string }).id).toBe(duplicate.id);
    expect(constraint.headers['dlq-detail']).toBe('Error: recording the view failed (SQLSTATE 23505)');
    expect(seenIds()).not.toContain(duplicate.id);
    // A transient failure that outlives the retry budget (5 attempts) is dead-lettered too.
    const exhausted = await waitFor('hopeless message dead-lettered', () =>
      deadLetters.records.find((record) => record.headers['dlq-reason'] === 'retries-exhausted'),
    );
    expect((JSON.parse(String(exhausted.value)) as { id: string }).id).toBe(hopeless.id);
    expect(exhausted.headers['dlq-detail']).toBe('Error: database unavailable');
    expect(failuresLeft.get(hopeless.id)).toBe(1_000 - 5);
    // Handled in order: the flaky message held its partition until it succeeded.
    expect(seenIds().indexOf(flaky.id)).toBeLessThan(seenIds().indexOf(after.id));

    const metrics = await registry.getMetricsAsJSON();
    const sum = (name: string, label?: [string, string]) =>
      metrics
        .find((metric) => metric.name === name)
        ?.values.filter((v) => !label || v.labels[label[0]] === label[1])
        .reduce((total, v) => total + v.value, 0);
    expect(sum('kafka_handler_retries_total')).toBe(2 + 4);
    expect(sum('kafka_messages_dead_lettered_total', ['reason', 'unparseable'])).toBe(3);
    expect(sum('kafka_messages_dead_lettered_total', ['reason', 'handler-rejected'])).toBe(2);
    expect(sum('kafka_messages_dead_lettered_total', ['reason', 'retries-exhausted'])).toBe(1);
    expect(sum('kafka_messages_consumed_total', ['outcome', 'handled'])).toBe(seen.length);
  });

  it('commits only handled offsets: after a restart the group resumes after the last handled message', async () => {
    expect(consumer?.health()).toEqual({ ok: true, detail: 'running' });
    await consumer?.stop();
    expect(consumer?.health().ok).toBe(false);
    const before = seen.length;
    const next = productViewed('p-next');
    await producer.publish([next]);
    consumer = await start();
    await waitFor('the new message handled', () => seenIds().includes(next.id), { timeoutMs: 30_000 });
    // Nothing handled before the restart came back: the first message after it is the new one.
    expect(seenIds().slice(before)).toEqual([next.id]);
  });
});

describe('readiness while a message is retried', () => {
  it('reports not ready while it retries a failing message (naming where and why), ready again once it succeeded', async () => {
    const own = await createTestTopics('consumer-ready', 1);
    let failing = true;
    let heldAttempts = 0;
    const handled: string[] = [];
    const readiness = await startEventConsumer({
      client: own.client,
      groupId: `${groupId}-ready`,
      topics: [own.topic],
      registry: new Registry(),
      fromBeginning: true,
      deadLetterTopic: own.deadLetterTopic,
      // Unbounded (the default): an outage is waited out, however long.
      retry: { initialDelayMs: 20, maxDelayMs: 100 },
      handler: async (event) => {
        if (failing && event.subject === 'p-held') {
          heldAttempts += 1;
          throw new Error('database unavailable');
        }
        handled.push(event.subject);
      },
    });
    const ownProducer = createEventProducer({ client: own.client, registry: new Registry(), topicOf: () => own.topic });
    try {
      await ownProducer.connect();
      const first = productViewed('p-first');
      await ownProducer.publish([first]);
      await waitFor('joined and handled a message', () => handled.includes('p-first') && readiness.health().ok, { timeoutMs: 60_000 });
      await ownProducer.publish([productViewed('p-held'), productViewed('p-behind')]);
      const notReady = await waitFor('not ready while retrying', () => {
        const health = readiness.health();
        return !health.ok && health.detail.startsWith('retrying ') && health;
      }, { timeoutMs: 30_000 });
      expect(notReady.detail).toContain(`${own.topic}[0]`);
      expect(notReady.detail).toContain('Error: database unavailable');
      // Still not ready a few retries later, and the message behind it waits (order is kept).
      await waitFor('several retries', () => heldAttempts >= 3, { timeoutMs: 30_000 });
      expect(readiness.health().ok).toBe(false);
      expect(handled).not.toContain('p-behind');
      failing = false;
      await waitFor('the held message and the one behind it handled', () => handled.includes('p-behind'), { timeoutMs: 30_000 });
      expect(handled.slice(-2)).toEqual(['p-held', 'p-behind']);
      expect(readiness.health()).toEqual({ ok: true, detail: 'running' });
    } finally {
      await readiness.stop();
      await ownProducer.disconnect();
      await own.cleanup();
    }
  });
});

