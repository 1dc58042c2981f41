// `npm run migrate -w @shopwatch/psp`: applies the platform's and psp's migrations, then exits.
// psp tracks its migrations in its own table, so it can share a database with other services.
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const PSP_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migratePsp(databaseUrl: string): Promise<string[]> {
  return migrate({ databaseUrl, dir: PSP_MIGRATIONS_DIR, table: 'pgmigrations_psp' });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migratePsp(DATABASE_URL);
    process.stdout.write(`psp: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
