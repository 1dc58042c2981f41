// Test-only reading of topics exactly as they are (dead letters included) and producing raw bytes
// no well-behaved producer of ours would send. Uses kafkajs directly on purpose, so what the tests
// observe does not depend on the platform code under test.
import { Kafka, logLevel } from 'kafkajs';

export interface RawRecord {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface Collector {
  readonly records: RawRecord[];
  stop(): Promise<void>;
}

const kafka = (brokers: readonly string[]) => new Kafka({ clientId: 'payments-test-raw', brokers: [...brokers], logLevel: logLevel.NOTHING });

export async function startCollector(brokers: readonly string[], topics: readonly string[]): Promise<Collector> {
  const records: RawRecord[] = [];
  const consumer = kafka(brokers).consumer({ groupId: `collector-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        const first = Array.isArray(value) ? value[0] : value;
        if (first !== undefined) headers[name] = first.toString();
      }
      records.push({ topic, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
      return Promise.resolve();
    },
  });
  return { records, stop: () => consumer.disconnect() };
}

export async function produceRaw(brokers: readonly string[], topic: string, messages: { key?: string; value: string | Buffer }[]): Promise<void> {
  const producer = kafka(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}
