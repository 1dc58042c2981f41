// @shopwatch/orders — exported for tests and benchmarks that build the app in-process.
export { buildOrdersApp, DEFAULT_TOPICS, SOURCE } from './app.ts';
export type { OrdersDeps } from './app.ts';
export { OrdersConfigSchema, loadOrdersConfig } from './config.ts';
export { migrateOrders, ORDERS_MIGRATIONS_DIR } from './migrate.ts';
export { createReplyHandler } from './plugins/reply-handler.ts';
export { SagaStore, startSweeper, topicOf } from './plugins/saga-store.ts';
export type { SagaTopics } from './plugins/saga-store.ts';
export { paymentIdempotencyKey, parcelWeightGrams, reservationTtlMs } from './domain/saga.ts';
