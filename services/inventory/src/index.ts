// @shopwatch/inventory — exported for tests and benchmarks that build the app in-process.
export { buildInventoryApp } from './app.ts';
export type { InventoryDeps } from './app.ts';
export { InventoryConfigSchema, loadInventoryConfig } from './config.ts';
export { migrateInventory, INVENTORY_MIGRATIONS_DIR } from './migrate.ts';
export { createCommandHandler } from './plugins/command-handler.ts';
