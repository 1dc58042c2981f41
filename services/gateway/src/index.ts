// @shopwatch/gateway — exported for tests and benchmarks that build the app in-process.
export { buildGatewayApp, DEFAULT_RATE_LIMIT, DEFAULT_UPSTREAM } from './app.ts';
export type { GatewayDeps } from './app.ts';
export { GatewayConfigSchema, loadGatewayConfig, upstreamsFrom } from './config.ts';
export { createRedis } from './plugins/redis.ts';
export { resolveUpstreams, SERVICES } from './domain/upstreams.ts';
export type { Upstream, Access } from './domain/upstreams.ts';
