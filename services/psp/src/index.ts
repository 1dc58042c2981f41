// @shopwatch/psp — exported for tests (payments runs a real psp app on a port) and benchmarks.
export { buildPspApp } from './app.ts';
export type { PspDeps } from './app.ts';
export { AuthorizationStore } from './plugins/authorization-store.ts';
export { PspConfigSchema, loadPspConfig } from './config.ts';
export { PspFaultsFileSchema } from './faults.ts';
export type { PspFaultsFile } from './faults.ts';
export { TEST_TOKENS, ERROR_TOKEN, FAIL_ONCE_TOKEN } from './domain/decision.ts';
