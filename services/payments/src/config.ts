import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const PaymentsConfigSchema = withBaseConfig({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  KAFKA_BROKERS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 2, maximum: 100, default: 16 }),
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
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
  /** Run the outbox relay in this process (safe with several replicas). */
  OUTBOX_RELAY: Type.Boolean({ default: true }),
  /** Consume saga commands in this process. */
  COMMAND_CONSUMER: Type.Boolean({ default: true }),
  KAFKA_ENSURE_TOPICS: Type.Boolean({ default: true }),
  COMMANDS_TOPIC: Type.String({ pattern: '^[a-z0-9._-]{1,200}$', default: 'shop.payments.commands.v1' }),
  EVENTS_TOPIC: Type.String({ pattern: '^[a-z0-9._-]{1,200}$', default: 'shop.payments.events.v1' }),
  CONSUMER_GROUP: Type.String({ pattern: '^[a-z0-9._-]{1,200}$', default: 'payments' }),
  /** Handled command ids are kept this long, then pruned hourly; keep it above the commands topic's retention. */
  INBOX_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 8_760, default: 336 }),
  /** Command partitions handled in parallel by this replica (order within a partition is always kept). */
  CONSUMER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 12 }),
  /** Partitions of the commands and events topics when payments creates them (an existing topic keeps its count). */
  KAFKA_TOPIC_PARTITIONS: Type.Integer({ minimum: 1, maximum: 256, default: 12 }),
});
export type PaymentsConfig = Static<typeof PaymentsConfigSchema>;

export function loadPaymentsConfig(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  return loadConfig(PaymentsConfigSchema, env);
}
