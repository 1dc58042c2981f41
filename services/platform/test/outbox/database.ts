// A fresh, migrated database per test file (platform migrations only: outbox and inbox).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import { createPool, migrate, type Pool } from '../../src/db/index.ts';

export interface MigratedDatabase {
  database: TestDatabase;
  pool: Pool;
  close(): Promise<void>;
}

export async function createMigratedDatabase(prefix: string): Promise<MigratedDatabase> {
  const database = await createTestDatabase(prefix);
  // The platform's migrations run first; this test "service" has none of its own.
  const serviceDir = await mkdtemp(path.join(tmpdir(), 'no-migrations-'));
  try {
    await migrate({ databaseUrl: database.url, dir: serviceDir });
  } finally {
    await rm(serviceDir, { recursive: true, force: true });
  }
  const pool = createPool({ connectionString: database.url, max: 8 });
  return {
    database,
    pool,
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}
