// Stop PostgreSQL: /readyz answers 503 naming it (liveness stays 200, the process keeps running);
// start it again: /readyz is 200 without restarting the service.
import { createPool } from '@shopwatch/platform';
import { createTestDatabase, startInfra, stopInfra, waitFor, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateCatalog } from '../../src/migrate.ts';
import { loadSeed } from '../../src/seed.ts';
import { spawnCatalog, type CatalogProcess } from '../support/catalog-process.ts';

let db: TestDatabase;
let catalog: CatalogProcess;

beforeAll(async () => {
  db = await createTestDatabase('catalog-ready');
  await migrateCatalog(db.url);
  const pool = createPool({ connectionString: db.url, max: 1 });
  await loadSeed(pool);
  await pool.end();
  catalog = await spawnCatalog(db.url);
});
afterAll(async () => {
  await startInfra('postgres');
  catalog?.child.kill('SIGTERM');
  await catalog?.exited;
  await db?.drop();
});

it('reports PostgreSQL down by name and recovers without a restart', async () => {
  expect((await fetch(`${catalog.url}/readyz`)).status).toBe(200);
  await stopInfra('postgres');

  const problem = await waitFor('readyz 503 naming postgres', async () => {
    const res = await fetch(`${catalog.url}/readyz`);
    return res.status === 503 ? ((await res.json()) as { failing: string[]; detail: string }) : undefined;
  }, { timeoutMs: 15_000 });
  expect(problem.failing).toContain('postgres');
  expect(problem.detail).toContain('postgres');
  expect((await fetch(`${catalog.url}/livez`)).status).toBe(200);
  // A request needing the database fails as a 5xx problem, not a crash.
  const during = await fetch(`${catalog.url}/products?limit=1`);
  expect(during.status).toBeGreaterThanOrEqual(500);
  expect(during.headers.get('content-type')).toMatch(/^application\/problem\+json/);

  await startInfra('postgres');
  await waitFor('readyz 200 again', async () => (await fetch(`${catalog.url}/readyz`)).status === 200, { timeoutMs: 30_000 });
  expect((await fetch(`${catalog.url}/products?limit=1`)).status).toBe(200);
  expect(catalog.child.exitCode).toBeNull();
});
