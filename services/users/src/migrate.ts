// `npm run migrate -w @shopwatch/users`: applies the platform's and users' migrations, then exits.
// Users tracks its migrations in its own table, so it can share a database with other services.
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const USERS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migrateUsers(databaseUrl: string): Promise<string[]> {
  return migrate({ databaseUrl, dir: USERS_MIGRATIONS_DIR, table: 'pgmigrations_users' });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migrateUsers(DATABASE_URL);
    process.stdout.write(`users: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
