// A catalog app on a fresh real PostgreSQL database with the seed loaded, plus tokens.
import { createLogger, createPool, issueToken, type App, type Pool } from '@shopwatch/platform';
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import { buildCatalogApp } from '../../src/app.ts';
import { migrateCatalog } from '../../src/migrate.ts';
import { enqueueEvents } from '../../src/plugins/outbox.ts';
import { loadSeed } from '../../src/seed.ts';

export const JWT = { secret: 'test-secret-that-is-at-least-32-characters-long' };

export interface CatalogFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  adminToken: string;
  customerToken: string;
  close(): Promise<void>;
}

export async function startCatalog(options: { seed?: boolean } = {}): Promise<CatalogFixture> {
  const db = await createTestDatabase('catalog');
  await migrateCatalog(db.url);
  const pool = createPool({ connectionString: db.url, max: 5 });
  if (options.seed !== false) await loadSeed(pool);
  const app = await buildCatalogApp({
    pool,
    logger: createLogger({ service: 'catalog', level: 'silent' }),
    jwt: JWT,
    enqueue: enqueueEvents,
    viewFlushIntervalMs: 50,
  });
  await app.ready();
  return {
    app,
    pool,
    db,
    adminToken: await issueToken(JWT, { subject: 'admin-1', role: 'admin' }),
    customerToken: await issueToken(JWT, { subject: 'customer-1', role: 'customer' }),
    async close() {
      await app.close();
      await app.catalogViews.close();
      await pool.end();
      await db.drop();
    },
  };
}

export async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}
