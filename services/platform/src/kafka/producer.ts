// Event producer: validates every event against contracts before anything is sent, keys each
// message by the event's subject (its aggregate id) so one aggregate's events land on one partition
// in order, and carries the trace context in headers. Idempotent with acks from all in-sync
// replicas and one request in flight, so retries neither duplicate nor reorder within a partition.
import { context, type Context } from '@opentelemetry/api';
import {
  DEAD_LETTER_TOPIC,
  InvalidEventError,
  parseEvent,
  topicFor,
  type ShopEvent,
} from '@shopwatch/contracts';
import { Partitioners, type Message, type Producer, type TopicMessages } from 'kafkajs';
import type { Registry } from 'prom-client';
import { kafkaOf, type KafkaClient } from './client.ts';
import { deadLetterHeaders, type DeadLetterOrigin } from './headers.ts';
import { kafkaMetrics, type KafkaMetrics } from './metrics.ts';
import { contextFromHeaders, endWithError, startProducerSpan } from './tracing.ts';

export interface EventProducerOptions {
  client: KafkaClient;
  /** Where `kafka_messages_produced_total` and friends are registered. */
  registry: Registry;
  /** Topic of an event; defaults to the contracts registry (tests route to unique topics with it). */
  topicOf?: (event: ShopEvent) => string;
  /** Defaults to `shop.deadletter.v1`. */
  deadLetterTopic?: string;
  /** Clock for dead-letter timestamps. */
  now?: () => Date;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
}

/** An event plus the trace headers it should carry (captured when it was recorded, e.g. in the outbox). */
export interface OutgoingRecord {
  /** Validated before sending; typed loosely because outbox rows are read back from the database. */
  event: unknown;
  traceHeaders?: Readonly<Record<string, string>>;
  /** Overrides the producer's topic choice (the outbox stores the topic with each event). */
  topic?: string;
}

/** A message that could not be handled, as read from Kafka, and why. */
export interface DeadLetterMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: Readonly<Record<string, string>>;
  origin: DeadLetterOrigin;
}

export interface EventProducer {
  connect(): Promise<void>;
  /** Validates and sends events in one batch, each carrying the active trace context. */
  publish(events: readonly ShopEvent[]): Promise<void>;
  /** Validates and sends events in one batch, each carrying its own recorded trace context. */
  publishRecords(records: readonly OutgoingRecord[]): Promise<void>;
  /** Sends a message, untouched, to the dead-letter topic with headers naming its origin and reason. */
  deadLetter(message: DeadLetterMessage): Promise<void>;
  /** For /readyz: connected to the cluster. */
  isConnected(): boolean;
  /** Waits for in-flight sends and disconnects. */
  disconnect(): Promise<void>;
}

export function createEventProducer(options: EventProducerOptions): EventProducer {
  const producer = createIdempotentProducer(options.client);
  const metrics = kafkaMetrics(options.registry);
  const topicOf = options.topicOf ?? ((event: ShopEvent) => topicFor(event.type));
  const deadLetterTopic = options.deadLetterTopic ?? DEAD_LETTER_TOPIC;
  const now = options.now ?? (() => new Date());
  const timeout = options.timeoutMs ?? 30_000;
  let connected = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  async function publishRecords(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const prepared = records.map((record) => prepare(record, topicOf, metrics));
    const byTopic = new Map<string, Message[]>();
    const spans = prepared.map(({ topic, event, wire, parent }) => {
      const { span, headers } = startProducerSpan(topic, event.id, parent);
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: event.subject, value: wire, headers });
      byTopic.set(topic, messages);
      return span;
    });
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    try {
      await producer.sendBatch({ topicMessages, acks: -1, timeout });
    } catch (error) {
      for (const span of spans) endWithError(span, error);
      for (const { topic, messages } of topicMessages) metrics.produced.inc({ topic, outcome: 'error' }, messages.length);
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
    for (const { topic, messages } of topicMessages) metrics.produced.inc({ topic, outcome: 'ok' }, messages.length);
  }

  return {
    async connect() {
      await producer.connect();
    },
    publish(events) {
      return publishRecords(events.map((event) => ({ event })));
    },
    publishRecords,
    async deadLetter(message) {
      try {
        await producer.send({
          topic: deadLetterTopic,
          acks: -1,
          timeout,
          messages: [{ key: message.key, value: message.value, headers: deadLetterHeaders(message.headers, message.origin, now()) }],
        });
      } catch (error) {
        metrics.produced.inc({ topic: deadLetterTopic, outcome: 'error' });
        throw error;
      }
      metrics.produced.inc({ topic: deadLetterTopic, outcome: 'ok' });
      metrics.deadLettered.inc({ topic: message.origin.topic, reason: message.origin.reason });
    },
    isConnected: () => connected,
    async disconnect() {
      await producer.disconnect();
    },
  };
}

interface PreparedRecord {
  topic: string;
  event: ShopEvent;
  wire: string;
  parent: Context;
}

/** Validates what will actually go on the wire (the serialized JSON), not the in-memory object. */
function prepare(record: OutgoingRecord, topicOf: (event: ShopEvent) => string, metrics: KafkaMetrics): PreparedRecord {
  const wire = JSON.stringify(record.event) as string | undefined;
  const parsed = parseEvent(wire ?? '');
  if (!parsed.ok) {
    // The topic is unknown when the type is; the label stays bounded either way.
    metrics.produced.inc({ topic: 'unknown', outcome: 'invalid' });
    throw new InvalidEventError(parsed.reason, parsed.detail);
  }
  const parent = record.traceHeaders ? contextFromHeaders(record.traceHeaders) : context.active();
  return { topic: record.topic ?? topicOf(parsed.event), event: parsed.event, wire: wire ?? '', parent };
}

function createIdempotentProducer(client: KafkaClient): Producer {
  return kafkaOf(client).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // The Java client's partitioner (murmur2 of the key), so services in any language agree on
    // which partition an aggregate's events live in.
    createPartitioner: Partitioners.DefaultPartitioner,
    // Bounded rather than kafkajs's "forever" for idempotent producers: a caller (the outbox
    // relay holds a transaction) must get an error during an outage and retry later itself.
    // Duplicates from that retry are absorbed by consumers' inboxes.
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
}
