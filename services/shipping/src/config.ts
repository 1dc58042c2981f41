import { ORDERS_EVENTS_TOPIC, SHIPPING_COMMANDS_TOPIC, SHIPPING_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

const Topic = (fallback: string) => Type.String({ pattern: '^[a-zA-Z0-9._-]{1,200}$', default: fallback });
const Ms = (fallback: number, maximum = 86_400_000) => Type.Integer({ minimum: 0, maximum, default: fallback });

export const ShippingConfigSchema = withBaseConfig({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  KAFKA_BROKERS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  JWT_SECRET: Type.String({ minLength: 32 }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 2, maximum: 100, default: 10 }),
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
  /** Run the outbox relay in this process (safe with several replicas). */
  OUTBOX_RELAY: Type.Boolean({ default: true }),
  /** Consume saga commands and order events in this process. */
  COMMAND_CONSUMER: Type.Boolean({ default: true }),
  /** Create the topics this service uses at start if they are missing. */
  KAFKA_ENSURE_TOPICS: Type.Boolean({ default: true }),
  COMMANDS_TOPIC: Topic(SHIPPING_COMMANDS_TOPIC),
  EVENTS_TOPIC: Topic(SHIPPING_EVENTS_TOPIC),
  ORDERS_EVENTS_TOPIC: Topic(ORDERS_EVENTS_TOPIC),
  CONSUMER_GROUP: Topic('shipping'),
  /** Partitions handled in parallel by this replica (order within a partition is always kept). */
  CONSUMER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 3 }),
  /** How often the ticker looks for shipments whose next step is due (0 disables it). */
  TICK_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 1_000 }),
  /** Simulated stage durations (standard method): confirmed → dispatched → in transit → delivered. */
  DISPATCH_AFTER_MS: Ms(5_000),
  IN_TRANSIT_AFTER_MS: Ms(20_000),
  DELIVERED_AFTER_MS: Ms(60_000),
  /** Express stages take this share of the standard ones. */
  EXPRESS_DURATION_FACTOR: Type.Number({ minimum: 0.01, maximum: 1, default: 0.5 }),
  /** Actual stages vary by ± this share of their nominal length (what makes some deliveries late). */
  DURATION_JITTER: Type.Number({ minimum: 0, maximum: 0.9, default: 0.3 }),
  /** Added to the promised delivery time for the wait between creation and the order's confirmation. */
  CONFIRMATION_SLACK_MS: Ms(10_000),
  INBOX_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 365, default: 24 * 7 }),
});
export type ShippingConfig = Static<typeof ShippingConfigSchema>;

export function loadShippingConfig(env: NodeJS.ProcessEnv = process.env): ShippingConfig {
  return loadConfig(ShippingConfigSchema, env);
}
