// `npm run migrate -w @shopwatch/shipping`: applies the platform's and shipping's migrations, then exits.
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const SHIPPING_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migrateShipping(databaseUrl: string): Promise<string[]> {
  // Its own tracking table: in `make dev` the services share one database.
  return migrate({ databaseUrl, dir: SHIPPING_MIGRATIONS_DIR, table: 'pgmigrations_shipping' });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migrateShipping(DATABASE_URL);
    process.stdout.write(`shipping: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
