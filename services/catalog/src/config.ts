import { loadConfig, withAuth, withBaseConfig, withDatabase, withKafka, withOutboxRelay } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const CatalogConfigSchema = withBaseConfig({
  ...withDatabase(),
  ...withKafka(),
  ...withAuth(),
  ...withOutboxRelay(),
  /** Product-detail cache: entries and time to live. Writes on this replica invalidate at once;
   * other replicas serve a changed product for at most the TTL. */
  CACHE_MAX_ENTRIES: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 5_000 }),
  CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000 }),
});
export type CatalogConfig = Static<typeof CatalogConfigSchema>;

export function loadCatalogConfig(env: NodeJS.ProcessEnv = process.env): CatalogConfig {
  return loadConfig(CatalogConfigSchema, env);
}
