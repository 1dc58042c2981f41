// @shopwatch/payments — exported for tests and benchmarks that build the app in-process.
export { buildPaymentsApp, DEFAULT_BREAKER } from './app.ts';
export type { PaymentsDeps } from './app.ts';
export { PaymentsConfigSchema, loadPaymentsConfig } from './config.ts';
export { migratePayments, PAYMENTS_MIGRATIONS_DIR } from './migrate.ts';
export { createCommandHandler } from './plugins/command-handler.ts';
export type { CommandHandlerOptions } from './plugins/command-handler.ts';
export { replyEventId } from './domain/payment.ts';
