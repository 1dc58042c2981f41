// `npm run migrate -w @shopwatch/support`: applies the platform's and support's migrations, then exits.
// Support tracks its migrations in its own table, so it can share a database with other services
// (make dev runs every service on one local database).
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const SUPPORT_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migrateSupport(databaseUrl: string): Promise<string[]> {
  return migrate({ databaseUrl, dir: SUPPORT_MIGRATIONS_DIR, table: 'pgmigrations_support' });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migrateSupport(DATABASE_URL);
    process.stdout.write(`support: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
