// Shared set-up for the Kafka-backed tests: a client on the local broker and unique topics per file.
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { infraEnv, uniqueName } from '@shopwatch/testkit';
import { createKafkaClient, deleteTopics, ensureTopics, type KafkaClient } from '../../src/kafka/index.ts';

export interface TestTopics {
  client: KafkaClient;
  brokers: string[];
  topic: string;
  deadLetterTopic: string;
  cleanup(): Promise<void>;
}

export async function createTestTopics(prefix: string, partitions: number): Promise<TestTopics> {
  const brokers = infraEnv().kafkaBrokers;
  const client = createKafkaClient({ brokers, clientId: prefix });
  const topic = uniqueName(`test.${prefix}`);
  const deadLetterTopic = `${topic}.deadletter`;
  await ensureTopics(client, [{ topic, partitions }, { topic: deadLetterTopic, partitions: 1 }]);
  return { client, brokers, topic, deadLetterTopic, cleanup: () => deleteTopics(client, [topic, deadLetterTopic]) };
}

const clock = () => new Date('2026-11-21T06:00:00.000Z');

/** A valid product-viewed event for `productId` (the subject, hence the Kafka key). */
export function productViewed(productId: string, sessionId?: string): ShopEvent {
  return makeEvent(
    'shop.catalog.product.viewed',
    productId,
    sessionId === undefined ? { productId } : { productId, sessionId },
    { source: '/test', now: clock },
  );
}
