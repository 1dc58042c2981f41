// @shopwatch/analytics — exported for tests and benchmarks that build the app in-process.
export { buildAnalyticsApp, DEFAULT_RATE_LIMIT } from './app.ts';
export type { AnalyticsDeps } from './app.ts';
export { AnalyticsConfigSchema, loadAnalyticsConfig } from './config.ts';
export { migrateAnalytics, ANALYTICS_MIGRATIONS_DIR } from './migrate.ts';
export { createDomainEventHandler } from './plugins/domain-events.ts';
export { CLICK_TYPES, STAGES, conversion, stageCount } from './domain/funnel.ts';
export type { ClickType, Stage, Source, Conversion } from './domain/funnel.ts';
