import { ORDERS_EVENTS_TOPIC, SHIPPING_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, Topic, withAuth, withBaseConfig, withConsumer, withConsumerConcurrency, withDatabase, withKafka, withTopics } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const NotificationsConfigSchema = withBaseConfig({
  ...withDatabase({ minPoolSize: 2 }),
  ...withKafka(),
  ...withTopics(),
  ...withAuth(),
  /** EVENT_CONSUMER: order and shipment events are consumed in this process. */
  ...withConsumer('EVENT_CONSUMER', 'notifications'),
  ...withConsumerConcurrency(3),
  /** Deliver notifications in this process (safe with several replicas). */
  DISPATCHER: Type.Boolean({ default: true }),
  ORDERS_EVENTS_TOPIC: Topic(ORDERS_EVENTS_TOPIC),
  SHIPPING_EVENTS_TOPIC: Topic(SHIPPING_EVENTS_TOPIC),
  /** Attempts per notification before it is marked failed and dead-lettered (`retries-exhausted`). */
  NOTIFY_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** Backoff before the first retry; doubles per retry up to the maximum (with jitter). */
  NOTIFY_RETRY_INITIAL_DELAY_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 1_000 }),
  NOTIFY_RETRY_MAX_DELAY_MS: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 60_000 }),
  /** How often the dispatcher looks for due notifications (it is also woken by new ones). */
  DISPATCH_INTERVAL_MS: Type.Integer({ minimum: 10, maximum: 600_000, default: 500 }),
  /** Notifications claimed (and sent concurrently) per round. */
  DISPATCH_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 1_000, default: 50 }),
  /** A claimed notification whose sender vanished (crash) is retried after this long. */
  CLAIM_LEASE_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 60_000 }),
  /** A notification whose order's user is still unknown after this long fails with `no_recipient`. */
  RECIPIENT_WAIT_MS: Type.Integer({ minimum: 1_000, maximum: 7 * 86_400_000, default: 3_600_000 }),
});
export type NotificationsConfig = Static<typeof NotificationsConfigSchema>;

export function loadNotificationsConfig(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  return loadConfig(NotificationsConfigSchema, env);
}
