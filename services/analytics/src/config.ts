import { CATALOG_VIEWS_TOPIC, DEAD_LETTER_TOPIC, ORDERS_EVENTS_TOPIC, SUPPORT_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, Topic, withAuth, withBaseConfig, withConsumer, withDatabase, withKafka, withTopics } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const AnalyticsConfigSchema = withBaseConfig({
  ...withDatabase(),
  ...withKafka(),
  ...withTopics(),
  ...withAuth(),
  /** EVENT_CONSUMER: domain events are consumed in this process. */
  ...withConsumer('EVENT_CONSUMER', 'analytics'),
  CATALOG_VIEWS_TOPIC: Topic(CATALOG_VIEWS_TOPIC),
  ORDERS_EVENTS_TOPIC: Topic(ORDERS_EVENTS_TOPIC),
  SUPPORT_EVENTS_TOPIC: Topic(SUPPORT_EVENTS_TOPIC),
  DEAD_LETTER_TOPIC: Topic(DEAD_LETTER_TOPIC),
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
});
export type AnalyticsConfig = Static<typeof AnalyticsConfigSchema>;

export function loadAnalyticsConfig(env: NodeJS.ProcessEnv = process.env): AnalyticsConfig {
  return loadConfig(AnalyticsConfigSchema, env);
}
