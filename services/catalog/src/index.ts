// @shopwatch/catalog — exported for tests and benchmarks that build the app in-process.
export { buildCatalogApp } from './app.ts';
export type { CatalogDeps } from './app.ts';
export { CatalogConfigSchema, loadCatalogConfig } from './config.ts';
export { migrateCatalog, CATALOG_MIGRATIONS_DIR } from './migrate.ts';
export { loadSeed } from './seed.ts';
export { seedCatalog } from '@shopwatch/contracts';
