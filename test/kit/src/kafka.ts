// Test-only access to Kafka below the platform's kafka module: producing bytes no well-behaved
// producer of ours would send (garbage, bad JSON, schema-invalid events) and reading topics (dead
// letters included) exactly as they are. Tests use kafkajs directly on purpose, so what they
// observe does not depend on the code under test; production code goes through the platform.
import { Kafka, logLevel } from 'kafkajs';

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  /** `value` decoded as UTF-8 (most tests read JSON). */
  text: string | null;
  headers: Record<string, string>;
}

export interface RawMessage {
  key?: string;
  value: Buffer | string | null;
  headers?: Record<string, string>;
}

function kafka(brokers: readonly string[]): Kafka {
  return new Kafka({ clientId: 'shopwatch-test-raw', brokers: [...brokers], logLevel: logLevel.NOTHING });
}

export async function produceRaw(brokers: readonly string[], topic: string, messages: RawMessage[]): Promise<void> {
  const producer = kafka(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

export interface Collector {
  /** Every record read so far, in arrival order (per partition that is offset order). */
  readonly records: RawRecord[];
  stop(): Promise<void>;
}

/** Reads `topics` from the beginning in a fresh consumer group, collecting every record. */
export async function startCollector(brokers: readonly string[], topics: readonly string[]): Promise<Collector> {
  const records: RawRecord[] = [];
  const consumer = kafka(brokers).consumer({
    groupId: `collector-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        const first = Array.isArray(value) ? value[0] : value;
        if (first !== undefined) headers[name] = first.toString();
      }
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value,
        text: message.value?.toString() ?? null,
        headers,
      });
      return Promise.resolve();
    },
  });
  return { records, stop: () => consumer.disconnect() };
}
