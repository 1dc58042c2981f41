import { loadConfig, withAuth, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';
import { resolveUpstreams, SERVICES, urlVariable, type Upstream } from './domain/upstreams.ts';

const Url = Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$' });

/** `<SERVICE>_URL` for every routed service, optional (defaults: the `make dev` local ports). */
const upstreamUrls = Object.fromEntries(Object.keys(SERVICES).map((name) => [urlVariable(name), Type.Optional(Url)]));

export const GatewayConfigSchema = withBaseConfig({
  REDIS_URL: Type.String({ pattern: '^rediss?://' }),
  ...withAuth(),
  ...upstreamUrls,
  /** Longest wait for an upstream's response headers (and any pause in its body), in ms → 504. */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000 }),
  /** Longest wait to connect to an upstream, in ms → 503. */
  UPSTREAM_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1_000 }),
  UPSTREAM_CONNECTIONS: Type.Integer({ minimum: 1, maximum: 1_024, default: 64 }),
  /** Responses with a Content-Length up to this many bytes are read whole and sent in one write; larger ones stream. */
  UPSTREAM_BUFFER_BYTES: Type.Integer({ minimum: 0, maximum: 10_485_760, default: 65_536 }),
  RATE_LIMIT_ENABLED: Type.Boolean({ default: true }),
  /** Requests per window per client (token subject, else IP), upstream and route class. */
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 600 }),
  /** The same for sign-up and login. */
  RATE_LIMIT_AUTH_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 20 }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 60_000 }),
  /** Redis key prefix of the counters: replicas sharing it share their counts (benchmarks and tests use their own). */
  RATE_LIMIT_KEY_PREFIX: Type.String({ pattern: '^[A-Za-z0-9:._-]{1,100}$', default: 'shopwatch:gateway:rl:' }),
  /** How often each replica adds its locally counted requests to Redis, in ms; 0 counts every request in Redis. */
  RATE_LIMIT_SYNC_MS: Type.Integer({ minimum: 0, maximum: 10_000, default: 100 }),
  /** Comma-separated client IPs that are never limited (e.g. the load generator's). */
  RATE_LIMIT_ALLOW: Type.String({ pattern: '^[0-9a-fA-F.:]*(,[0-9a-fA-F.:]+)*$', default: '' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1_024, maximum: 10_485_760, default: 65_536 }),
});
export type GatewayConfig = Static<typeof GatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfigSchema, env);
}

/** The upstreams the configuration names (validated URLs, defaults filled in). */
export function upstreamsFrom(config: GatewayConfig): Upstream[] {
  return resolveUpstreams(config as unknown as Record<string, string | undefined>);
}
