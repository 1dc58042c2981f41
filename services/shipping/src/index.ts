// @shopwatch/shipping — exported for tests and benchmarks that build the app in-process.
export { buildShippingApp, DEFAULT_DURATIONS } from './app.ts';
export type { ShippingDeps } from './app.ts';
export { ShippingConfigSchema, loadShippingConfig } from './config.ts';
export { migrateShipping, SHIPPING_MIGRATIONS_DIR } from './migrate.ts';
export { createCommandHandler } from './plugins/command-handler.ts';
export type { CommandHandlerOptions } from './plugins/command-handler.ts';
export { replyEventId, progressEventId } from './domain/event-ids.ts';
export { quote, quoteFor, zoneOf, ZONES, MAX_PARCEL_GRAMS, MAX_COURIER_GRAMS } from './domain/quotes.ts';
export type { Quote, Zone } from './domain/quotes.ts';
export { ShippingFaultsFileSchema } from './schemas/faults.ts';
export type { ShippingFaultsFile } from './schemas/faults.ts';
