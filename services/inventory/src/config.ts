import { INVENTORY_COMMANDS_TOPIC, INVENTORY_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

const Topic = (fallback: string) => Type.String({ pattern: '^[a-zA-Z0-9._-]{1,200}$', default: fallback });

export const InventoryConfigSchema = withBaseConfig({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  KAFKA_BROKERS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  JWT_SECRET: Type.String({ minLength: 32 }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 2, maximum: 100, default: 10 }),
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
  /** Run the outbox relay in this process (several replicas may; the relay is safe with several). */
  OUTBOX_RELAY: Type.Boolean({ default: true }),
  /** Consume saga commands in this process (replicas share the consumer group's partitions). */
  COMMAND_CONSUMER: Type.Boolean({ default: true }),
  /** Create the inventory topics and the dead-letter topic at start if they are missing. */
  KAFKA_ENSURE_TOPICS: Type.Boolean({ default: true }),
  COMMANDS_TOPIC: Topic(INVENTORY_COMMANDS_TOPIC),
  EVENTS_TOPIC: Topic(INVENTORY_EVENTS_TOPIC),
  CONSUMER_GROUP: Type.String({ pattern: '^[a-zA-Z0-9._-]{1,200}$', default: 'inventory' }),
  /** Command partitions handled in parallel by this process (order within a partition is always kept). */
  CONSUMER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 3 }),
  /** A product is low on stock when available ≤ this (unless the product has its own threshold). */
  LOW_STOCK_THRESHOLD: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 5 }),
  /** How often expired reservations are looked for; 0 turns the sweeper off in this process. */
  RESERVATION_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 5_000 }),
  /**
   * Handled command ids are kept this long, then pruned (hourly). Keep it above the commands
   * topic's retention: only then can no redelivery of a pruned id arrive any more.
   */
  INBOX_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 8_760, default: 336 }),
  /**
   * The simulated supplier, for demos and long load runs (off when 0): every interval, products with
   * at most REPLENISH_BELOW units available get REPLENISH_QUANTITY more on hand.
   */
  REPLENISH_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 0 }),
  REPLENISH_BELOW: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  REPLENISH_QUANTITY: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 50 }),
  /** Expiry of reservations made over HTTP without an explicit `expiresAt`. */
  DEFAULT_RESERVATION_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
});
export type InventoryConfig = Static<typeof InventoryConfigSchema>;

export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  return loadConfig(InventoryConfigSchema, env);
}
