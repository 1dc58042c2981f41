import {
  INVENTORY_COMMANDS_TOPIC,
  INVENTORY_EVENTS_TOPIC,
  ORDERS_EVENTS_TOPIC,
  PAYMENTS_COMMANDS_TOPIC,
  PAYMENTS_EVENTS_TOPIC,
  SHIPPING_COMMANDS_TOPIC,
  SHIPPING_EVENTS_TOPIC,
} from '@shopwatch/contracts';
import { loadConfig, Topic, withAuth, withBaseConfig, withConsumer, withConsumerConcurrency, withDatabase, withKafka, withOutboxRelay, withTopicPartitions, withTopics } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const OrdersConfigSchema = withBaseConfig({
  ...withDatabase({ minPoolSize: 3, poolSize: 16 }),
  ...withKafka(),
  ...withTopics(),
  ...withTopicPartitions(12),
  ...withAuth(),
  ...withOutboxRelay(),
  /** SAGA_CONSUMER: the participants' replies are consumed, and the timeout sweeper runs, in this process. */
  ...withConsumer('SAGA_CONSUMER', 'orders'),
  /** Reply partitions handled in parallel by this replica. */
  ...withConsumerConcurrency(12),
  /** Where catalog listens; every order's items are priced there. */
  CATALOG_URL: Type.String({ pattern: '^https?://[^\\s]+$', default: 'http://127.0.0.1:8102' }),
  /** Per catalog lookup (they run in parallel); slower means 503 naming catalog. */
  CATALOG_TIMEOUT_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 2_000 }),
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
