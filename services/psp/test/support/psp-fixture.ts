// A psp app for tests, built in-process on a store: memory (the unit suite, and payments' tests
// through their own double) or its PostgreSQL ledger in a database of its own (integration).
import { createLogger, createPool, type App, type Pool } from '@shopwatch/platform';
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import { Value } from 'typebox/value';
import { buildPspApp } from '../../src/app.ts';
import { PspFaultsFileSchema, type PspFaultsFile } from '../../src/faults.ts';
import { migratePsp } from '../../src/migrate.ts';
import { MemoryAuthorizationStore, type AuthorizationStore } from '../../src/plugins/authorization-store.ts';
import { PgAuthorizationStore } from '../../src/plugins/pg-authorization-store.ts';

export interface PspFixture {
  app: App;
  store: AuthorizationStore;
  /** Replace the faults in force (the file's content, parsed). */
  setFaults(faults: unknown): void;
  close(): Promise<void>;
}

export interface PspOptions {
  random?: () => number;
}

async function buildOn(store: AuthorizationStore, options: PspOptions, onClose: () => Promise<void> = async () => undefined): Promise<PspFixture> {
  let faults = Value.Default(PspFaultsFileSchema, {}) as PspFaultsFile;
  const app = await buildPspApp({
    logger: createLogger({ service: 'psp', level: 'silent' }),
    store,
    faults: { current: () => faults },
    maxAmountCents: 1_000_000,
    ...(options.random ? { random: options.random } : {}),
  });
  await app.ready();
  return {
    app,
    store,
    setFaults: (value) => {
      faults = Value.Default(PspFaultsFileSchema, Value.Clone(value)) as PspFaultsFile;
    },
    close: async () => {
      await app.close();
      await onClose();
    },
  };
}

export function startPsp(options: PspOptions = {}): Promise<PspFixture> {
  return buildOn(new MemoryAuthorizationStore(), options);
}

export interface PgPsp {
  db: TestDatabase;
  pool: Pool;
  /** A psp app on the ledger (several may run at once, like replicas or a restarted process). */
  start(options?: PspOptions): Promise<PspFixture & { store: PgAuthorizationStore }>;
  close(): Promise<void>;
}

/** A migrated database of its own for psp's ledger, and apps built on it. */
export async function startPgPsp(prefix = 'psp'): Promise<PgPsp> {
  const db = await createTestDatabase(prefix);
  await migratePsp(db.url);
  const pool = createPool({ connectionString: db.url, max: 10, applicationName: 'psp-test' });
  const apps: PspFixture[] = [];
  return {
    db,
    pool,
    async start(options = {}) {
      const store = new PgAuthorizationStore(pool);
      const fixture = await buildOn(store, options);
      apps.push(fixture);
      return { ...fixture, store };
    },
    async close() {
      await Promise.allSettled(apps.map((app) => app.close()));
      await pool.end();
      await db.drop();
    },
  };
}
