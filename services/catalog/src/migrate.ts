// `npm run migrate -w @shopwatch/catalog`: applies the platform's and catalog's migrations, then exits.
import { fileURLToPath } from 'node:url';
import { loadConfig, migrate, startOrExit } from '@shopwatch/platform';
import { Type } from 'typebox';

export const CATALOG_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export async function migrateCatalog(databaseUrl: string): Promise<string[]> {
  return migrate({ databaseUrl, dir: CATALOG_MIGRATIONS_DIR });
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    const applied = await migrateCatalog(DATABASE_URL);
    process.stdout.write(`catalog: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`);
  });
}
