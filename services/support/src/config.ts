import { SUPPORT_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const SupportConfigSchema = withBaseConfig({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  KAFKA_BROKERS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  JWT_SECRET: Type.String({ minLength: 32 }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 2, maximum: 100, default: 10 }),
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
  /** Run the outbox relay in this process (several replicas may; the relay is safe with several). */
  OUTBOX_RELAY: Type.Boolean({ default: true }),
  /** Create the events topic at start if it is missing. */
  KAFKA_ENSURE_TOPICS: Type.Boolean({ default: true }),
  /** Where ticket facts (opened, resolved) are published. */
  EVENTS_TOPIC: Type.String({ pattern: '^[a-zA-Z0-9._-]{1,200}$', default: SUPPORT_EVENTS_TOPIC }),
});
export type SupportConfig = Static<typeof SupportConfigSchema>;

export function loadSupportConfig(env: NodeJS.ProcessEnv = process.env): SupportConfig {
  return loadConfig(SupportConfigSchema, env);
}
