import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const PspConfigSchema = withBaseConfig({
  /** Largest single authorisation in minor units; above it psp answers 422 `invalid_amount`. */
  PSP_MAX_AMOUNT_CENTS: Type.Integer({ minimum: 1, maximum: 1_000_000_000_000, default: 100_000_000 }),
  /** Comma-separated ISO 4217 codes psp accepts; others get 422 `unsupported_currency`. */
  PSP_CURRENCIES: Type.String({ pattern: '^[A-Z]{3}(,[A-Z]{3})*$', default: 'EUR,USD,GBP,CHF,SEK,NOK,DKK,PLN,CZK' }),
  /** Authorisations (and idempotency keys) kept in memory; the oldest are forgotten beyond it. */
  PSP_MAX_RECORDS: Type.Integer({ minimum: 100, maximum: 10_000_000, default: 200_000 }),
});
export type PspConfig = Static<typeof PspConfigSchema>;

export function loadPspConfig(env: NodeJS.ProcessEnv = process.env): PspConfig {
  return loadConfig(PspConfigSchema, env);
}
