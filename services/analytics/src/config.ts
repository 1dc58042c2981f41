import { CATALOG_VIEWS_TOPIC, DEAD_LETTER_TOPIC, ORDERS_EVENTS_TOPIC, SUPPORT_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

const Topic = (fallback: string) => Type.String({ pattern: '^[a-zA-Z0-9._-]{1,200}$', default: fallback });

export const AnalyticsConfigSchema = withBaseConfig({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  KAFKA_BROKERS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  JWT_SECRET: Type.String({ minLength: 32 }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
  /** Consume domain events in this process (replicas share the consumer group's partitions). */
  EVENT_CONSUMER: Type.Boolean({ default: true }),
  /** Create the consumed topics and the dead-letter topic at start if they are missing. */
  KAFKA_ENSURE_TOPICS: Type.Boolean({ default: true }),
  CATALOG_VIEWS_TOPIC: Topic(CATALOG_VIEWS_TOPIC),
  ORDERS_EVENTS_TOPIC: Topic(ORDERS_EVENTS_TOPIC),
  SUPPORT_EVENTS_TOPIC: Topic(SUPPORT_EVENTS_TOPIC),
  DEAD_LETTER_TOPIC: Topic(DEAD_LETTER_TOPIC),
  CONSUMER_GROUP: Type.String({ pattern: '^[a-zA-Z0-9._-]{1,200}$', default: 'analytics' }),
  /** A new consumer group starts at the topics' beginning (history counted in its own minutes) instead of now. */
  CONSUMER_FROM_BEGINNING: Type.Boolean({ default: false }),
  /** POST /events: batches per client per window (in memory, per replica). */
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 120 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 60_000 }),
  /** Key clients by X-Forwarded-For's first address (true behind the gateway, which sets it). */
  RATE_LIMIT_TRUST_FORWARDED_FOR: Type.Boolean({ default: true }),
  /** Accepted clicks are written to PostgreSQL this often (a crash loses at most this much; SIGTERM flushes). */
  CLICK_FLUSH_INTERVAL_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 1_000 }),
  /** Minute buckets are kept this long; distinct-session rows (the larger table) SESSION_RETENTION_HOURS. */
  FUNNEL_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3_650, default: 30 }),
  SESSION_RETENTION_HOURS: Type.Integer({ minimum: 24, maximum: 8_760, default: 48 }),
  /** Handled event ids are kept this long (keep it above the topics' retention), then pruned hourly. */
  INBOX_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 8_760, default: 336 }),
});
export type AnalyticsConfig = Static<typeof AnalyticsConfigSchema>;

export function loadAnalyticsConfig(env: NodeJS.ProcessEnv = process.env): AnalyticsConfig {
  return loadConfig(AnalyticsConfigSchema, env);
}
