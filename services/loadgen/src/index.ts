// @shopwatch/loadgen — exported for tests and benchmarks that build the app in-process.
export { buildLoadgenApp } from './app.ts';
export type { LoadgenDeps } from './app.ts';
export { LoadgenConfigSchema, loadLoadgenConfig } from './config.ts';
export type { LoadgenConfig } from './config.ts';
export { SCENARIOS, DEFAULT_MIX_TEXT, parseMix, formatMix } from './domain/mix.ts';
export type { Mix, ScenarioName } from './domain/mix.ts';
export { SCENARIO_DEFINITIONS } from './scenarios/journeys.ts';
