// @shopwatch/psp — exported for tests (payments runs a real psp app on a port) and benchmarks.
export { buildPspApp } from './app.ts';
export type { PspDeps } from './app.ts';
export { MemoryAuthorizationStore } from './plugins/authorization-store.ts';
export type { AuthorizationStore } from './plugins/authorization-store.ts';
export { PgAuthorizationStore } from './plugins/pg-authorization-store.ts';
export { migratePsp, PSP_MIGRATIONS_DIR } from './migrate.ts';
export { PspConfigSchema, loadPspConfig } from './config.ts';
export { PspFaultsFileSchema } from './faults.ts';
export type { PspFaultsFile } from './faults.ts';
export { TEST_TOKENS, ERROR_TOKEN, FAIL_ONCE_TOKEN } from './domain/decision.ts';
