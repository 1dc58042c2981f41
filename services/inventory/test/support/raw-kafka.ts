// Test-only access to Kafka below the platform module: producing bytes no producer of ours would
// send (garbage, bad JSON, schema-invalid events) and reading topics exactly as they are, so what
// the tests observe does not depend on the code under test.
import { Kafka, logLevel, type Consumer } from 'kafkajs';

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function kafka(brokers: readonly string[]): Kafka {
  return new Kafka({ clientId: 'inventory-test-raw', brokers: [...brokers], logLevel: logLevel.NOTHING });
}

export async function produceRaw(
  brokers: readonly string[],
  topic: string,
  messages: Array<{ key?: string; value: Buffer | string; headers?: Record<string, string> }>,
): Promise<void> {
  const producer = kafka(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

export interface Collector {
  readonly records: RawRecord[];
  stop(): Promise<void>;
}

/** Reads `topics` from the beginning in a fresh consumer group, collecting every record. */
export async function startCollector(brokers: readonly string[], topics: readonly string[]): Promise<Collector> {
  const records: RawRecord[] = [];
  const consumer: Consumer = kafka(brokers).consumer({ groupId: `inventory-collector-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        const first = Array.isArray(value) ? value[0] : value;
        if (first !== undefined) headers[name] = first.toString();
      }
      records.push({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
      return Promise.resolve();
    },
  });
  return { records, stop: () => consumer.disconnect() };
}
