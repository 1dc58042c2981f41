export { createPool, withTransaction, pingDatabase, sqlState } from './pool.ts';
export type { Pool, PoolClient, Queryable, PoolOptions } from './pool.ts';
export { migrate, PLATFORM_MIGRATIONS_DIR } from './migrate.ts';
export type { MigrateOptions } from './migrate.ts';
