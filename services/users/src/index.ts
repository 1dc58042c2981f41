// @shopwatch/users — exported for tests and benchmarks that build the app in-process.
export { buildUsersApp, DEFAULT_LOCKOUT, DEFAULT_PASSWORD } from './app.ts';
export type { UsersDeps } from './app.ts';
export { UsersConfigSchema, loadUsersConfig } from './config.ts';
export { migrateUsers, USERS_MIGRATIONS_DIR } from './migrate.ts';
export { ensureAdmin } from './create-admin.ts';
export type { AdminAccount } from './create-admin.ts';
