// A support app on a fresh real PostgreSQL database, with tokens for two shoppers and an agent and
// a clock tests move by hand (first-response and resolution times).
import { createLogger, createPool, issueToken, type App, type Pool } from '@shopwatch/platform';
import { TestClock, createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { buildSupportApp } from '../../src/app.ts';
import { migrateSupport } from '../../src/migrate.ts';

export const JWT = { secret: 'test-secret-that-is-at-least-32-characters-long' };


export interface SupportFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  clock: TestClock;
  /** Authorization headers. */
  alice: { authorization: string };
  bob: { authorization: string };
  agent: { authorization: string };
  /** Sum of a counter/gauge's series matching `labels` (0 when none). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** A histogram's `_count` (or `_sum`) over series matching `labels`. */
  histogram(name: string, part: 'count' | 'sum', labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export async function startSupport(): Promise<SupportFixture> {
  const db = await createTestDatabase('support');
  await migrateSupport(db.url);
  const pool = createPool({ connectionString: db.url, max: 5 });
  const clock = new TestClock();
  const app = await buildSupportApp({ pool, logger: createLogger({ service: 'support', level: 'silent' }), jwt: JWT, now: clock.now });
  await app.ready();
  const bearer = async (subject: string, role: 'customer' | 'admin') => ({ authorization: `Bearer ${await issueToken(JWT, { subject, role })}` });
  const matches = (labels: Record<string, unknown>, want: Record<string, string>) => Object.entries(want).every(([k, v]) => String(labels[k]) === v);
  return {
    app,
    pool,
    db,
    clock,
    alice: await bearer('user-alice', 'customer'),
    bob: await bearer('user-bob', 'customer'),
    agent: await bearer('agent-1', 'admin'),
    async metric(name, labels = {}) {
      const metric = app.metrics.registry.getSingleMetric(name) as Counter | Gauge | undefined;
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      return values.filter((v) => matches(v.labels, labels)).reduce((sum, v) => sum + v.value, 0);
    },
    async histogram(name, part, labels = {}) {
      const metric = app.metrics.registry.getSingleMetric(name) as Histogram | undefined;
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      return values.filter((v) => v.metricName === `${name}_${part}` && matches(v.labels, labels)).reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}

