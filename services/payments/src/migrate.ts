// `npm run migrate -w @shopwatch/payments`: applies the platform's and payments' migrations, then exits.
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const PAYMENTS_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migratePayments(databaseUrl: string): Promise<string[]> {
  // Its own tracking table: in `make dev` the services share one database.
  return migrate({ databaseUrl, dir: PAYMENTS_MIGRATIONS_DIR, table: 'pgmigrations_payments' });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migratePayments(DATABASE_URL);
    process.stdout.write(`payments: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
