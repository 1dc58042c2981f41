import { ORDERS_EVENTS_TOPIC, SHIPPING_COMMANDS_TOPIC, SHIPPING_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, Topic, withAuth, withBaseConfig, withConsumer, withConsumerConcurrency, withDatabase, withKafka, withOutboxRelay, withTopics } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

const Ms = (fallback: number, maximum = 86_400_000) => Type.Integer({ minimum: 0, maximum, default: fallback });

export const ShippingConfigSchema = withBaseConfig({
  ...withDatabase({ minPoolSize: 2 }),
  ...withKafka(),
  ...withTopics(),
  ...withAuth(),
  ...withOutboxRelay(),
  /** COMMAND_CONSUMER: saga commands and order events are consumed in this process. */
  ...withConsumer('COMMAND_CONSUMER', 'shipping'),
  ...withConsumerConcurrency(3),
  COMMANDS_TOPIC: Topic(SHIPPING_COMMANDS_TOPIC),
  EVENTS_TOPIC: Topic(SHIPPING_EVENTS_TOPIC),
  ORDERS_EVENTS_TOPIC: Topic(ORDERS_EVENTS_TOPIC),
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
});
export type ShippingConfig = Static<typeof ShippingConfigSchema>;

export function loadShippingConfig(env: NodeJS.ProcessEnv = process.env): ShippingConfig {
  return loadConfig(ShippingConfigSchema, env);
}
