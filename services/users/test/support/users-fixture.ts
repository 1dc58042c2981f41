// A users app on a fresh real PostgreSQL database, with a clock the test can move.
import { Writable } from 'node:stream';
import { createLogger, createPool, type App, type Pool } from '@shopwatch/platform';
import { TestClock, createTestDatabase, metricSum, type TestDatabase } from '@shopwatch/testkit';
import { buildUsersApp } from '../../src/app.ts';
import type { LockoutPolicy } from '../../src/domain/lockout.ts';
import { migrateUsers } from '../../src/migrate.ts';

export const JWT = { secret: 'test-secret-that-is-at-least-32-characters-long' };

export interface UsersFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  clock: TestClock;
  /** Every log line the app wrote (level debug and up). */
  logs: () => string;
  /** Another app (a second replica) on the same database and clock. */
  replica(): Promise<App>;
  close(): Promise<void>;
}

export async function startUsers(options: { lockout?: LockoutPolicy; tokenTtlSeconds?: number } = {}): Promise<UsersFixture> {
  const db = await createTestDatabase('users');
  await migrateUsers(db.url);
  const pool = createPool({ connectionString: db.url, max: 5 });
  const clock = new TestClock({ frozenAt: Date.now() });
  let logs = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  const build = () =>
    buildUsersApp({
      pool,
      logger: createLogger({ service: 'users', level: 'debug', destination }),
      jwt: JWT,
      now: clock.now,
      ...(options.lockout ? { lockout: options.lockout } : {}),
      ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
    });
  const app = await build();
  await app.ready();
  const replicas: App[] = [];
  return {
    app,
    pool,
    db,
    clock,
    logs: () => logs,
    async replica() {
      const other = await build();
      await other.ready();
      replicas.push(other);
      return other;
    },
    async close() {
      for (const other of replicas) await other.close();
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}

export async function signup(app: App, email: string, password = 'correct horse battery', displayName = 'Test Person') {
  return app.inject({ method: 'POST', url: '/signup', payload: { email, password, displayName } });
}

export async function login(app: App, email: string, password: string) {
  return app.inject({ method: 'POST', url: '/login', payload: { email, password } });
}

/** The sum of `name`'s samples in /metrics whose labels include `labels` (0 when none). */
export async function metric(app: App, name: string, labels: Record<string, string> = {}): Promise<number> {
  return metricSum((await app.inject({ url: '/metrics' })).body, name, labels);
}

let counter = 0;
/** A unique e-mail per call (tests share nothing, even inside one database). */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}
