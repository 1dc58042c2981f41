// Configuration fragments: the variables several services share, declared once with one pattern,
// one meaning and one default. A service's config.ts spreads the fragments it needs into
// withBaseConfig beside its own keys, so the chart and the docs can rely on the same names
// everywhere (a variable that means one thing in one service and another elsewhere is a trap).
import { Type, type TBoolean, type TString } from 'typebox';

const NAME_PATTERN = '^[a-zA-Z0-9._-]{1,200}$';

/** A Kafka topic (or consumer group) name with the service's default. */
export function Topic(defaultName: string): TString {
  return Type.String({ pattern: NAME_PATTERN, default: defaultName });
}

export interface DatabaseFragmentOptions {
  /** DATABASE_POOL_SIZE's default (10). */
  poolSize?: number;
  /** The smallest pool the service works with (1): a service holding connections across awaits needs more. */
  minPoolSize?: number;
}

/** DATABASE_URL (required), DATABASE_POOL_SIZE, RUN_MIGRATIONS. */
export function withDatabase(options: DatabaseFragmentOptions = {}) {
  return {
    DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
    DATABASE_POOL_SIZE: Type.Integer({ minimum: options.minPoolSize ?? 1, maximum: 100, default: options.poolSize ?? 10 }),
    /** Apply the platform's and the service's migrations at start (a chart may run them in a Job instead). */
    RUN_MIGRATIONS: Type.Boolean({ default: true }),
  };
}

/** KAFKA_BROKERS (required): comma-separated host:port. */
export function withKafka() {
  return { KAFKA_BROKERS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }) };
}

/** KAFKA_ENSURE_TOPICS: create the topics the service uses at start if they are missing. */
export function withTopics() {
  return { KAFKA_ENSURE_TOPICS: Type.Boolean({ default: true }) };
}

/** KAFKA_TOPIC_PARTITIONS: partitions of the topics this service creates (an existing topic keeps its count). */
export function withTopicPartitions(partitions: number) {
  return { KAFKA_TOPIC_PARTITIONS: Type.Integer({ minimum: 1, maximum: 256, default: partitions }) };
}

/** JWT_SECRET (required, at least 32 characters): verifies (and in users signs) access tokens. */
export function withAuth() {
  return { JWT_SECRET: Type.String({ minLength: 32 }) };
}

/** OUTBOX_RELAY: run the outbox relay in this process (safe with several replicas). */
export function withOutboxRelay() {
  return { OUTBOX_RELAY: Type.Boolean({ default: true }) };
}

/** Handled message ids are kept this long, then pruned hourly; keep it above the consumed topics' retention. */
export const INBOX_RETENTION_HOURS_DEFAULT = 336;

/**
 * An event consumer: `switchName` (e.g. COMMAND_CONSUMER) turns it on in this process (replicas
 * share the group's partitions), CONSUMER_GROUP, and INBOX_RETENTION_HOURS — one default for all.
 */
export function withConsumer<K extends string>(switchName: K, group: string) {
  return {
    ...({ [switchName]: Type.Boolean({ default: true }) } as Record<K, TBoolean>),
    CONSUMER_GROUP: Topic(group),
    INBOX_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 8_760, default: INBOX_RETENTION_HOURS_DEFAULT }),
  };
}

/** CONSUMER_CONCURRENCY: partitions handled in parallel by this replica (order within a partition is always kept). */
export function withConsumerConcurrency(concurrency: number) {
  return { CONSUMER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: concurrency }) };
}
