import { INVENTORY_COMMANDS_TOPIC, INVENTORY_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, Topic, withAuth, withBaseConfig, withConsumer, withConsumerConcurrency, withDatabase, withKafka, withOutboxRelay, withTopics } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const InventoryConfigSchema = withBaseConfig({
  ...withDatabase({ minPoolSize: 2 }),
  ...withKafka(),
  ...withTopics(),
  ...withAuth(),
  ...withOutboxRelay(),
  ...withConsumer('COMMAND_CONSUMER', 'inventory'),
  ...withConsumerConcurrency(3),
  COMMANDS_TOPIC: Topic(INVENTORY_COMMANDS_TOPIC),
  EVENTS_TOPIC: Topic(INVENTORY_EVENTS_TOPIC),
  /** A product is low on stock when available ≤ this (unless the product has its own threshold). */
  LOW_STOCK_THRESHOLD: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 5 }),
  /** How often expired reservations are looked for; 0 turns the sweeper off in this process. */
  RESERVATION_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 5_000 }),
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
