import { context } from '@opentelemetry/api';
import { InvalidEventError, parseEvent, type ShopEvent } from '@shopwatch/contracts';
import { type Collector, startCollector, waitFor } from '@shopwatch/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKafka, createEventProducer, type EventProducer } from '../../src/kafka/index.ts';
import { createTestTopics, productViewed, type TestTopics } from './fixtures.ts';
import { contextWithTrace, registerTestTracing } from './trace-context.ts';

let topics: TestTopics;
let producer: EventProducer;
let collector: Collector;
const registry = new Registry();

beforeAll(async () => {
  registerTestTracing();
  topics = await createTestTopics('producer', 3);
  producer = createEventProducer({ client: topics.client, registry, topicOf: () => topics.topic });
  await producer.connect();
  collector = await startCollector(topics.brokers, [topics.topic]);
});

afterAll(async () => {
  await collector?.stop();
  await producer?.disconnect();
  await topics?.cleanup();
});

const received = (id: string) =>
  collector.records.filter((record) => {
    const parsed = parseEvent(record.value ?? '');
    return parsed.ok && parsed.event.id === id;
  });

describe('event producer', () => {
  it('answers the readiness check and reports itself connected', async () => {
    await expect(checkKafka(topics.client)).resolves.toBeUndefined();
    expect(producer.isConnected()).toBe(true);
  });

  it('sends each event keyed by its subject with the active trace context in traceparent', async () => {
    const events = [productViewed('p-1'), productViewed('p-2'), productViewed('p-1')];
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await context.with(contextWithTrace(traceId), () => producer.publish(events));

    const records = await waitFor('three events on the topic', () => {
      const found = events.flatMap((event) => received(event.id));
      return found.length === 3 && found;
    });
    for (const [index, record] of records.entries()) {
      const event = events[index] as ShopEvent;
      expect(record.key).toBe(event.subject);
      expect(JSON.parse(String(record.value))).toEqual(event);
      expect(record.headers['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    }
    // Same key, same partition: the two p-1 events stay in the order they were sent.
    const p1 = records.filter((record) => record.key === 'p-1');
    expect(new Set(p1.map((record) => record.partition)).size).toBe(1);
    expect(BigInt(p1[0]?.offset ?? 0) < BigInt(p1[1]?.offset ?? 0)).toBe(true);
  });

  it('rejects a batch containing an invalid event and sends none of it', async () => {
    const valid = productViewed('p-3');
    const invalid = { ...productViewed('p-4'), data: { productId: 7 } } as unknown as ShopEvent;
    await expect(producer.publish([valid, invalid])).rejects.toThrow(InvalidEventError);
    await expect(producer.publishRecords([{ event: { hello: 'world' } }])).rejects.toMatchObject({
      reason: 'invalid-envelope',
    });

    // A marker sent afterwards on every partition: once each has arrived, anything sent before
    // it would have arrived too.
    const markers = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6'].map((id) => productViewed(id));
    await producer.publish(markers);
    await waitFor('markers', () => markers.every((marker) => received(marker.id).length === 1));
    expect(received(valid.id)).toHaveLength(0);
    expect(received(invalid.id)).toHaveLength(0);

    const metrics = await registry.getMetricsAsJSON();
    const produced = metrics.find((metric) => metric.name === 'kafka_messages_produced_total');
    const value = (outcome: string) =>
      produced?.values.filter((v) => v.labels['outcome'] === outcome).reduce((sum, v) => sum + v.value, 0);
    expect(value('invalid')).toBe(2);
    expect(value('ok')).toBe(9);
  });
});
