// An analytics app on a fresh real PostgreSQL database, with an admin and a customer token and a
// clock tests can move.
import { createLogger, createPool, issueToken, type App, type Pool } from '@shopwatch/platform';
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import type { Counter } from 'prom-client';
import { buildAnalyticsApp } from '../../src/app.ts';
import { migrateAnalytics } from '../../src/migrate.ts';
import type { RateLimitSettings } from '../../src/routes/context.ts';

export const JWT = { secret: 'test-secret-that-is-at-least-32-characters-long' };

export class TestClock {
  private offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface AnalyticsFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  clock: TestClock;
  admin: { authorization: string };
  customer: { authorization: string };
  /** Sum of a counter's series matching `labels` (0 when none). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export async function startAnalytics(options: { rateLimit?: Partial<RateLimitSettings> } = {}): Promise<AnalyticsFixture> {
  const db = await createTestDatabase('analytics');
  await migrateAnalytics(db.url);
  const pool = createPool({ connectionString: db.url, max: 5 });
  const clock = new TestClock();
  const app = await buildAnalyticsApp({
    pool,
    logger: createLogger({ service: 'analytics', level: 'silent' }),
    jwt: JWT,
    now: clock.now,
    // Tests that do not test the limit should never meet it.
    rateLimit: { max: 100_000, ...options.rateLimit },
  });
  await app.ready();
  return {
    app,
    pool,
    db,
    clock,
    admin: { authorization: `Bearer ${await issueToken(JWT, { subject: 'admin-1', role: 'admin' })}` },
    customer: { authorization: `Bearer ${await issueToken(JWT, { subject: 'user-1', role: 'customer' })}` },
    async metric(name, labels = {}) {
      const metric = app.metrics.registry.getSingleMetric(name) as Counter | undefined;
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      return values.filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want)).reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await app.clickBuffer.close();
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}

