// `npm run migrate -w @shopwatch/analytics`: applies the platform's and analytics' migrations, then exits.
// Analytics tracks its migrations in its own table, so it can share a database with other services
// (make dev runs every service on one local database).
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const ANALYTICS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migrateAnalytics(databaseUrl: string): Promise<string[]> {
  return migrate({ databaseUrl, dir: ANALYTICS_MIGRATIONS_DIR, table: 'pgmigrations_analytics' });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migrateAnalytics(DATABASE_URL);
    process.stdout.write(`analytics: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
