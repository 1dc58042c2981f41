// A payments app on a fresh real PostgreSQL database, talking to a real psp app over HTTP.
import { createLogger, createPool, type App, type Pool, type RetryPolicy } from '@shopwatch/platform';
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import type { PspFaultsFile } from '@shopwatch/psp';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { buildPaymentsApp } from '../../src/app.ts';
import { migratePayments } from '../../src/migrate.ts';
import type { BreakerSettings } from '../../src/plugins/psp-client.ts';
import { startPspServer, type PspServer } from './psp-server.ts';

export interface PaymentsFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  psp: PspServer;
  /** Current value of a counter or gauge series (0 when the series does not exist yet). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface PaymentsFixtureOptions {
  breaker?: Partial<BreakerSettings>;
  retry?: Partial<RetryPolicy>;
  /** psp's faults (the parsed faults file), read on every request. */
  pspFaults?: { current(): PspFaultsFile };
}

export async function startPayments(options: PaymentsFixtureOptions = {}): Promise<PaymentsFixture> {
  const db = await createTestDatabase('payments');
  await migratePayments(db.url);
  const pool = createPool({ connectionString: db.url, max: 5 });
  const psp = await startPspServer(options.pspFaults ? { faults: options.pspFaults } : {});
  const app = await buildPaymentsApp({
    pool,
    logger: createLogger({ service: 'payments', level: 'silent' }),
    psp: {
      baseUrl: psp.url,
      // By default the breaker never opens here; the breaker tests choose their own thresholds.
      breaker: { timeoutMs: 5_000, errorThresholdPercentage: 50, volumeThreshold: 1_000_000, resetTimeoutMs: 60_000, rollingWindowMs: 10_000, ...options.breaker },
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, ...options.retry },
    },
  });
  await app.ready();
  return {
    app,
    pool,
    db,
    psp,
    async metric(name, labels = {}) {
      const metric = app.metrics.registry.getSingleMetric(name) as Counter | Gauge | Histogram | undefined;
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      const matching = values.filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want));
      return matching.reduce((sum, v) => sum + v.value, 0);
    },
    async close() {
      await app.close();
      await psp.stop();
      await pool.end();
      await db.drop();
    },
  };
}

/** A payments problem: the platform's fields plus the machine-readable `reason` (and the payment's id, when there is one). */
export interface PaymentProblem {
  status: number;
  reason?: string;
  paymentId?: string;
  [k: string]: unknown;
}
