import { loadConfig, withBaseConfig, withDatabase } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const PspConfigSchema = withBaseConfig({
  ...withDatabase(),
  /** Largest single authorisation in minor units; above it psp answers 422 `invalid_amount`. */
  PSP_MAX_AMOUNT_CENTS: Type.Integer({ minimum: 1, maximum: 1_000_000_000_000, default: 100_000_000 }),
  /** Comma-separated ISO 4217 codes psp accepts; others get 422 `unsupported_currency`. */
  PSP_CURRENCIES: Type.String({ pattern: '^[A-Z]{3}(,[A-Z]{3})*$', default: 'EUR,USD,GBP,CHF,SEK,NOK,DKK,PLN,CZK' }),
  /** How long authorisations, their idempotency keys and attempt counts are kept (30 days). */
  PSP_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 87_600, default: 720 }),
  /** How often the retention sweep runs, in ms (0 = never). */
  PSP_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 60_000 }),
});
export type PspConfig = Static<typeof PspConfigSchema>;

export function loadPspConfig(env: NodeJS.ProcessEnv = process.env): PspConfig {
  return loadConfig(PspConfigSchema, env);
}
