import {
  INVENTORY_COMMANDS_TOPIC,
  INVENTORY_EVENTS_TOPIC,
  ORDERS_EVENTS_TOPIC,
  PAYMENTS_COMMANDS_TOPIC,
  PAYMENTS_EVENTS_TOPIC,
  SHIPPING_COMMANDS_TOPIC,
  SHIPPING_EVENTS_TOPIC,
} from '@shopwatch/contracts';
import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

const Topic = (defaultName: string) => Type.String({ pattern: '^[a-z0-9._-]{1,200}$', default: defaultName });

export const OrdersConfigSchema = withBaseConfig({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  KAFKA_BROKERS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  JWT_SECRET: Type.String({ minLength: 32 }),
  /** Where catalog listens; every order's items are priced there. */
  CATALOG_URL: Type.String({ pattern: '^https?://[^\\s]+$', default: 'http://127.0.0.1:8102' }),
  /** Per catalog lookup (they run in parallel); slower means 503 naming catalog. */
  CATALOG_TIMEOUT_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 2_000 }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 3, maximum: 100, default: 16 }),
  /** How long one send of a saga step waits for its reply before the command is re-sent. */
  SAGA_STEP_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 15_000 }),
  /**
   * How long a step before the capture may stay unanswered, re-sends included, before the order
   * is cancelled with `step_timeout` (steps from the capture on are re-sent until answered).
   */
  SAGA_STEP_BUDGET_MS: Type.Integer({ minimum: 100, maximum: 86_400_000, default: 120_000 }),
  /** How often the sweeper looks for overdue steps. */
  SAGA_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 20, maximum: 600_000, default: 1_000 }),
  /** Sends of one compensation (a timed-out one is re-sent) before the saga ends without its confirmation. */
  SAGA_MAX_COMPENSATION_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** Parcel weight per unit for the shipment (capped at 70 kg per parcel). */
  UNIT_WEIGHT_GRAMS: Type.Integer({ minimum: 1, maximum: 70_000, default: 500 }),
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
  /** Run the outbox relay in this process (safe with several replicas). */
  OUTBOX_RELAY: Type.Boolean({ default: true }),
  /** Consume the participants' replies and run the timeout sweeper in this process. */
  SAGA_CONSUMER: Type.Boolean({ default: true }),
  KAFKA_ENSURE_TOPICS: Type.Boolean({ default: true }),
  /** Partitions of topics orders creates (an existing topic keeps its count). */
  KAFKA_TOPIC_PARTITIONS: Type.Integer({ minimum: 1, maximum: 256, default: 12 }),
  /** Reply partitions handled in parallel by this replica (order within a partition is kept). */
  CONSUMER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 12 }),
  CONSUMER_GROUP: Type.String({ pattern: '^[a-z0-9._-]{1,200}$', default: 'orders' }),
  /** Handled reply ids are kept this long, then pruned hourly; keep it above the reply topics' retention. */
  INBOX_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 8_760, default: 336 }),
  EVENTS_TOPIC: Topic(ORDERS_EVENTS_TOPIC),
  INVENTORY_COMMANDS_TOPIC: Topic(INVENTORY_COMMANDS_TOPIC),
  INVENTORY_EVENTS_TOPIC: Topic(INVENTORY_EVENTS_TOPIC),
  PAYMENTS_COMMANDS_TOPIC: Topic(PAYMENTS_COMMANDS_TOPIC),
  PAYMENTS_EVENTS_TOPIC: Topic(PAYMENTS_EVENTS_TOPIC),
  SHIPPING_COMMANDS_TOPIC: Topic(SHIPPING_COMMANDS_TOPIC),
  SHIPPING_EVENTS_TOPIC: Topic(SHIPPING_EVENTS_TOPIC),
});
export type OrdersConfig = Static<typeof OrdersConfigSchema>;

export function loadOrdersConfig(env: NodeJS.ProcessEnv = process.env): OrdersConfig {
  return loadConfig(OrdersConfigSchema, env);
}
