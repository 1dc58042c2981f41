// `npm run migrate -w @shopwatch/orders`: applies the platform's and orders' migrations, then exits.
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const ORDERS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migrateOrders(databaseUrl: string): Promise<string[]> {
  // Its own tracking table: in `make dev` the services share one database.
  return migrate({ databaseUrl, dir: ORDERS_MIGRATIONS_DIR, table: 'pgmigrations_orders' });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migrateOrders(DATABASE_URL);
    process.stdout.write(`orders: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
