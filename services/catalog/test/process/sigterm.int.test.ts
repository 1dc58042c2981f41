// SIGTERM while requests are in flight: every in-flight request completes, readiness goes false,
// and the process exits 0 within its deadline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPool } from '@shopwatch/platform';
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateCatalog } from '../../src/migrate.ts';
import { loadSeed } from '../../src/seed.ts';
import { spawnCatalog } from '../support/catalog-process.ts';

let db: TestDatabase;
const dir = mkdtempSync(path.join(tmpdir(), 'catalog-sigterm-'));

beforeAll(async () => {
  db = await createTestDatabase('catalog-sigterm');
  await migrateCatalog(db.url);
  const pool = createPool({ connectionString: db.url, max: 1 });
  await loadSeed(pool);
  await pool.end();
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('finishes in-flight requests and exits 0 on SIGTERM', async () => {
  // Every API request takes 800 ms (faults file), so requests are certainly in flight at SIGTERM.
  const faults = path.join(dir, 'faults.json');
  writeFileSync(faults, JSON.stringify({ http: { latencyMs: 800 } }));
  const catalog = await spawnCatalog(db.url, { FAULTS_FILE: faults, SHUTDOWN_TIMEOUT_MS: '10000' });
  // Give the faults poller its first read (it reads at start).
  await new Promise((resolve) => setTimeout(resolve, 300));

  const inFlight = Array.from({ length: 30 }, (_, i) =>
    fetch(`${catalog.url}/products?limit=${(i % 5) + 1}`).then(async (res) => ({ status: res.status, body: (await res.json()) as { items?: unknown[] } })),
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const signalledAt = Date.now();
  catalog.child.kill('SIGTERM');

  const results = await Promise.all(inFlight);
  expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
  expect(results.every((r) => Array.isArray(r.body.items) && r.body.items.length > 0)).toBe(true);

  const exit = await catalog.exited;
  expect(exit, catalog.output().slice(-3000)).toEqual({ code: 0, signal: null });
  expect(Date.now() - signalledAt).toBeLessThan(10_000);
  expect(catalog.output()).toContain('shutdown complete');
});
