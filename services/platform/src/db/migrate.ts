// Schema migrations with node-pg-migrate (SQL files with `-- Up Migration` / `-- Down Migration`).
// The platform's own tables (outbox, inbox) live in services/platform/migrations and are tracked in
// their own table, so a service's migration history and the kit's evolve independently.
import { fileURLToPath } from 'node:url';

export const PLATFORM_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface MigrateOptions {
  databaseUrl: string;
  /** Directory of the service's SQL migrations. */
  dir: string;
  /** Tracking table, default `pgmigrations`. */
  table?: string;
  log?: (message: string) => void;
}

/**
 * Applies the platform's migrations, then the service's, each under node-pg-migrate's advisory
 * lock (waiting rather than failing, so several replicas starting at once are safe).
 * Returns the names of the migrations applied now.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  // Loaded on demand: a replica started with migrations off (a Job ran them) never pays for it.
  const { runner } = await import('node-pg-migrate');
  const log = options.log ?? (() => undefined);
  const run = async (dir: string, table: string) =>
    runner({
      databaseUrl: options.databaseUrl,
      dir,
      migrationsTable: table,
      direction: 'up',
      checkOrder: true,
      singleTransaction: true,
      advisoryLockMode: 'wait',
      log,
      logger: { debug: log, info: log, warn: log, error: log },
    });
  const platform = await run(PLATFORM_MIGRATIONS_DIR, 'pgmigrations_platform');
  const service = await run(options.dir, options.table ?? 'pgmigrations');
  return [...platform, ...service].map((m) => m.name);
}
