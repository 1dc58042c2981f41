// At-least-once delivery made visible: a consumer that reads the saga topics and produces every
// message it sees once more, unchanged (key, value, headers), to the same topic and so the same
// partition. Every consumer in the shop then gets each command, reply and fact twice — the second
// copy later, possibly after newer messages, as a redelivery after a rebalance would arrive.
// kafkajs directly, like the testkit's raw helpers: what it does must not depend on our code.
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';

/** Header marking a copy, so the copy is not copied again. */
export const COPY_HEADER = 'e2e-redelivered';

export interface Redeliverer {
  /** Messages copied so far, by topic. */
  readonly copied: Map<string, number>;
  stop(): Promise<void>;
}

export async function startRedeliverer(brokers: readonly string[], topics: readonly string[]): Promise<Redeliverer> {
  const kafka = new Kafka({ clientId: 'shopwatch-e2e-redeliver', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer: Consumer = kafka.consumer({ groupId: `e2e-redeliver-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const copied = new Map<string, number>();
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers = message.headers ?? {};
      if (headers[COPY_HEADER] !== undefined) return;
      await producer.send({
        topic,
        acks: -1,
        // The same partition explicitly: a copy must follow its original, never overtake it.
        messages: [{ partition, key: message.key, value: message.value, headers: { ...headers, [COPY_HEADER]: '1' } }],
      });
      copied.set(topic, (copied.get(topic) ?? 0) + 1);
    },
  });
  // A fresh group on fresh topics reads from the beginning: nothing produced before it has its
  // partitions is missed.
  return {
    copied,
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
