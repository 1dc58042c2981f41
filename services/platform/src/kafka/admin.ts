// Topic provisioning and the broker reachability check used by /readyz.
import type { Admin } from 'kafkajs';
import { kafkaOf, type KafkaClient } from './client.ts';

export interface TopicSpec {
  topic: string;
  /** Default: the broker's `num.partitions`. */
  partitions?: number;
  /** Default: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  /** Topic configs, e.g. `{ 'retention.ms': '604800000' }`. */
  configs?: Readonly<Record<string, string>>;
}

/**
 * Creates the topics that do not exist yet (idempotent) and waits until they have leaders.
 * Retries errors Kafka marks retriable (a broker that just started may not know new partitions
 * yet), so it can run at service start right after the broker came up.
 */
export async function ensureTopics(client: KafkaClient, topics: readonly (TopicSpec | string)[]): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await createMissingTopics(client, topics);
    } catch (error) {
      const retriable = typeof error === 'object' && error !== null && 'retriable' in error && error.retriable === true;
      if (!retriable || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

async function createMissingTopics(client: KafkaClient, topics: readonly (TopicSpec | string)[]): Promise<void> {
  await withAdmin(client, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topics
      .map((spec) => (typeof spec === 'string' ? { topic: spec } : spec))
      .filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.topic,
        numPartitions: spec.partitions ?? -1,
        replicationFactor: spec.replicationFactor ?? -1,
        configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  });
}

/** Deletes topics (tests clean up after themselves with it). */
export async function deleteTopics(client: KafkaClient, topics: readonly string[]): Promise<void> {
  await withAdmin(client, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  });
}

/** Resolves when a broker answers a metadata request within `timeoutMs`; throws otherwise. */
export async function checkKafka(client: KafkaClient, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`kafka did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([withAdmin(client, (admin) => admin.describeCluster()), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function withAdmin<T>(client: KafkaClient, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaOf(client).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
