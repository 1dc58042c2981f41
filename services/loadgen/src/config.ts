import { ConfigError, loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';
import { isLoopbackUrl } from './domain/loopback.ts';
import { DEFAULT_MIX_TEXT, parseMix, type Mix } from './domain/mix.ts';

export const LoadgenConfigSchema = withBaseConfig({
  /** The shop's public entry; loadgen talks to nothing else. Loopback unless LOADGEN_ALLOW_REMOTE. */
  GATEWAY_URL: Type.String({ pattern: '^https?://[^\\s/]+/?$', default: 'http://127.0.0.1:8080' }),
  LOADGEN_ALLOW_REMOTE: Type.Boolean({ default: false }),
  /** Scenarios started per second (open loop). Low by default: `make dev` runs it on a laptop. */
  LOADGEN_RATE: Type.Number({ minimum: 0, maximum: 10_000, default: 1 }),
  /** Highest rate PUT /control may set. */
  LOADGEN_MAX_RATE: Type.Number({ minimum: 0.001, maximum: 10_000, default: 200 }),
  LOADGEN_MIX: Type.String({ minLength: 1, maxLength: 500, default: DEFAULT_MIX_TEXT }),
  /** Scenarios running at once; an arrival beyond it is counted as dropped. */
  LOADGEN_MAX_IN_FLIGHT: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  /** Seed of the scenario/product/term choices (random when unset; GET /control shows it). */
  LOADGEN_SEED: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295 })),
  LOADGEN_PAUSED: Type.Boolean({ default: false }),
  /** Signed-up accounts to spread signed-in traffic over (each has its own rate-limit budget). */
  LOADGEN_SHOPPERS: Type.Integer({ minimum: 1, maximum: 10_000, default: 25 }),
  /** Mean pause between a shopper's pages (each pause is 0.5–1.5 × this). */
  LOADGEN_THINK_TIME_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 400 }),
  LOADGEN_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  /** How long a checkout waits for its order to be confirmed or cancelled. */
  LOADGEN_ORDER_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 30_000 }),
  LOADGEN_ORDER_POLL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 500 }),
  /** Keep-alive connections to the gateway. */
  LOADGEN_CONNECTIONS: Type.Integer({ minimum: 1, maximum: 1_024, default: 32 }),
  /** Local address to connect from (e.g. 127.0.0.2: a rate-limit identity of its own on loopback). */
  LOADGEN_LOCAL_ADDRESS: Type.Optional(Type.String({ pattern: '^([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]+)$' })),
});
export type LoadgenConfig = Static<typeof LoadgenConfigSchema> & { mix: Mix };

/** Environment → validated settings; a bad mix or a remote gateway without permission is one line naming the variable. */
export function loadLoadgenConfig(env: NodeJS.ProcessEnv = process.env): LoadgenConfig {
  const config = loadConfig(LoadgenConfigSchema, env);
  const mix = parseMix(config.LOADGEN_MIX);
  if (!mix.ok) throw new ConfigError(`invalid configuration: LOADGEN_MIX ${mix.error} (got ${JSON.stringify(config.LOADGEN_MIX)})`);
  if (!config.LOADGEN_ALLOW_REMOTE && !isLoopbackUrl(config.GATEWAY_URL)) {
    throw new ConfigError(
      `invalid configuration: GATEWAY_URL must be a loopback address unless LOADGEN_ALLOW_REMOTE=true (got ${JSON.stringify(config.GATEWAY_URL)})`,
    );
  }
  if (config.LOADGEN_RATE > config.LOADGEN_MAX_RATE) {
    throw new ConfigError(`invalid configuration: LOADGEN_RATE must not exceed LOADGEN_MAX_RATE (${config.LOADGEN_MAX_RATE}) (got ${config.LOADGEN_RATE})`);
  }
  return { ...config, mix: mix.mix };
}
