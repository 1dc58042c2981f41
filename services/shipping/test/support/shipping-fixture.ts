// A shipping app on a fresh real PostgreSQL database, with tokens, mutable faults and metric reads.
import { createLogger, createPool, issueToken, type App, type Pool } from '@shopwatch/platform';
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { buildShippingApp } from '../../src/app.ts';
import type { StageDurations } from '../../src/domain/shipment.ts';
import { migrateShipping } from '../../src/migrate.ts';
import type { ShippingFaultsFile } from '../../src/schemas/faults.ts';

export const JWT = { secret: 'test-secret-that-is-at-least-32-characters-long' };

export interface ShippingFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  /** The faults in force; tests change them in place. */
  faults: ShippingFaultsFile;
  admin: { authorization: string };
  customer: { authorization: string };
  /** Sum of a counter's or gauge's series matching `labels` (0 when none). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface ShippingFixtureOptions {
  eventsTopic?: string;
  durations?: StageDurations;
  random?: () => number;
  confirmationSlackMs?: number;
}

export async function startShipping(options: ShippingFixtureOptions = {}): Promise<ShippingFixture> {
  const db = await createTestDatabase('shipping');
  await migrateShipping(db.url);
  const pool = createPool({ connectionString: db.url, max: 6 });
  const faults: ShippingFaultsFile = { http: { latencyMs: 0, errorRate: 0 }, shipping: { failureRate: 0, processingDelayMs: 0 } };
  const app = await buildShippingApp({
    pool,
    logger: createLogger({ service: 'shipping', level: 'silent' }),
    jwt: JWT,
    faults: { current: () => faults },
    ...(options.eventsTopic ? { eventsTopic: options.eventsTopic } : {}),
    ...(options.durations ? { durations: options.durations } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.confirmationSlackMs !== undefined ? { confirmationSlackMs: options.confirmationSlackMs } : {}),
  });
  await app.ready();
  return {
    app,
    pool,
    db,
    faults,
    admin: { authorization: `Bearer ${await issueToken(JWT, { subject: 'admin-1', role: 'admin' })}` },
    customer: { authorization: `Bearer ${await issueToken(JWT, { subject: 'customer-1', role: 'customer' })}` },
    async metric(name, labels = {}) {
      const metric = app.metrics.registry.getSingleMetric(name) as Counter | Gauge | Histogram | undefined;
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      const matching = values.filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want));
      return matching.reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}

export async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}
