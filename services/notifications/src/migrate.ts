// `npm run migrate -w @shopwatch/notifications`: applies the platform's and notifications' migrations, then exits.
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const NOTIFICATIONS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migrateNotifications(databaseUrl: string): Promise<string[]> {
  // Its own tracking table: in `make dev` the services share one database.
  return migrate({ databaseUrl, dir: NOTIFICATIONS_MIGRATIONS_DIR, table: 'pgmigrations_notifications' });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migrateNotifications(DATABASE_URL);
    process.stdout.write(`notifications: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
