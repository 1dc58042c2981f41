// `npm run migrate -w @shopwatch/inventory`: applies the platform's and inventory's migrations, then exits.
// Inventory tracks its migrations in its own table, so it can share a database with other services
// (make dev runs every service on one local database).
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const INVENTORY_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migrateInventory(databaseUrl: string): Promise<string[]> {
  return migrate({ databaseUrl, dir: INVENTORY_MIGRATIONS_DIR, table: 'pgmigrations_inventory' });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migrateInventory(DATABASE_URL);
    process.stdout.write(`inventory: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
