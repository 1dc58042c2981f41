import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const CatalogConfigSchema = withBaseConfig({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  KAFKA_BROKERS: Type.String({ pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  JWT_SECRET: Type.String({ minLength: 32 }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  /** Product-detail cache: entries and time to live. Writes on this replica invalidate at once;
   * other replicas serve a changed product for at most the TTL. */
  CACHE_MAX_ENTRIES: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 5_000 }),
  CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000 }),
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
  /** Run the outbox relay in this process (one or more replicas may; the relay is safe with several). */
  OUTBOX_RELAY: Type.Boolean({ default: true }),
});
export type CatalogConfig = Static<typeof CatalogConfigSchema>;

export function loadCatalogConfig(env: NodeJS.ProcessEnv = process.env): CatalogConfig {
  return loadConfig(CatalogConfigSchema, env);
}
