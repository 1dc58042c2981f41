import { PAYMENTS_COMMANDS_TOPIC, PAYMENTS_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, Topic, withBaseConfig, withConsumer, withConsumerConcurrency, withDatabase, withKafka, withOutboxRelay, withTopicPartitions, withTopics } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const PaymentsConfigSchema = withBaseConfig({
  ...withDatabase({ minPoolSize: 2, poolSize: 16 }),
  ...withKafka(),
  ...withTopics(),
  /**
   * Each command costs a few database round trips and a psp call, one after another within a
   * partition: partitions handled in parallel carry the saga's rate (measured: 3 partitions ≈ 120
   * commands/s, 12 ≈ 200/s offered with p99 ≈ 0.4 s on the 2-core dev machine).
   */
  ...withTopicPartitions(12),
  ...withOutboxRelay(),
  /** COMMAND_CONSUMER: saga commands are consumed in this process. */
  ...withConsumer('COMMAND_CONSUMER', 'payments'),
  ...withConsumerConcurrency(12),
  COMMANDS_TOPIC: Topic(PAYMENTS_COMMANDS_TOPIC),
  /** Where replies and payment facts are published. */
  EVENTS_TOPIC: Topic(PAYMENTS_EVENTS_TOPIC),
  /** Where psp listens. */
  PSP_URL: Type.String({ pattern: '^https?://[^\\s]+$', default: 'http://127.0.0.1:8106' }),
  PSP_CONNECTIONS: Type.Integer({ minimum: 1, maximum: 1024, default: 32 }),
  /** Per psp call; a slower call fails as `timeout` and counts against the breaker. */
  PSP_TIMEOUT_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 2_000 }),
  /** Attempts per psp operation (1 = no retry); only transient failures are retried, never a decline. */
  PSP_RETRY_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
  PSP_RETRY_INITIAL_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 100 }),
  PSP_RETRY_MAX_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1_000 }),
  /** Failed share (percent) of psp calls in the rolling window above which the breaker opens. */
  BREAKER_ERROR_THRESHOLD_PERCENT: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  /** Calls in the window before the breaker may open. */
  BREAKER_VOLUME_THRESHOLD: Type.Integer({ minimum: 1, maximum: 10_000, default: 5 }),
  /** Open → half-open after this long. */
  BREAKER_RESET_TIMEOUT_MS: Type.Integer({ minimum: 10, maximum: 600_000, default: 5_000 }),
  BREAKER_ROLLING_WINDOW_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
  /**
   * A saga authorise that cannot reach psp is retried for this long after the command was sent
   * (a psp restart delays orders instead of cancelling them), then answered psp_unavailable. Keep
   * it below orders' SAGA_STEP_BUDGET_MS (120 s by default).
   */
  PSP_OUTAGE_GRACE_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 60_000 }),
  /** Card token used when an authorise command carries none. */
  DEFAULT_CARD_TOKEN: Type.String({ pattern: '^tok_[a-z0-9_]{1,60}$', default: 'tok_visa' }),
});
export type PaymentsConfig = Static<typeof PaymentsConfigSchema>;

export function loadPaymentsConfig(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  return loadConfig(PaymentsConfigSchema, env);
}
