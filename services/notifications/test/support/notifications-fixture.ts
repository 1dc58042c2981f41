// A notifications app on a fresh real PostgreSQL database, with tokens, mutable faults, a dead-letter
// sink of the test's choosing and metric reads.
import { createLogger, createPool, issueToken, type App, type DeadLetterMessage, type Pool } from '@shopwatch/platform';
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { buildNotificationsApp } from '../../src/app.ts';
import type { RetrySettings } from '../../src/domain/retry.ts';
import { migrateNotifications } from '../../src/migrate.ts';
import type { NotificationsFaultsFile } from '../../src/schemas/faults.ts';

export const JWT = { secret: 'test-secret-that-is-at-least-32-characters-long' };

export interface NotificationsFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  faults: NotificationsFaultsFile;
  token(subject: string, role?: 'customer' | 'admin'): Promise<{ authorization: string }>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export interface NotificationsFixtureOptions {
  retry?: Partial<RetrySettings>;
  deadLetter?: (message: DeadLetterMessage) => Promise<void>;
  consumerGroup?: string;
  recipientWaitMs?: number;
}

export function quietFaults(): NotificationsFaultsFile {
  const none = { failureRate: 0, latencyMs: 0 };
  return { http: { latencyMs: 0, errorRate: 0 }, notifications: { email: { ...none }, sms: { ...none }, push: { ...none } } };
}

export async function startNotifications(options: NotificationsFixtureOptions = {}): Promise<NotificationsFixture> {
  const db = await createTestDatabase('notifications');
  await migrateNotifications(db.url);
  const pool = createPool({ connectionString: db.url, max: 6 });
  const faults = quietFaults();
  const app = await buildNotificationsApp({
    pool,
    logger: createLogger({ service: 'notifications', level: 'silent' }),
    jwt: JWT,
    faults: { current: () => faults },
    retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100, ...options.retry },
    ...(options.deadLetter ? { deadLetter: options.deadLetter } : {}),
    ...(options.consumerGroup ? { consumerGroup: options.consumerGroup } : {}),
    ...(options.recipientWaitMs ? { recipientWaitMs: options.recipientWaitMs } : {}),
  });
  await app.ready();
  return {
    app,
    pool,
    db,
    faults,
    token: async (subject, role = 'customer') => ({ authorization: `Bearer ${await issueToken(JWT, { subject, role })}` }),
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

export interface NotificationRow {
  id: string;
  event_id: string;
  channel: string;
  user_id: string | null;
  status: string;
  attempts: number;
  failure_reason: string | null;
  template: string;
}

export async function notificationsOf(pool: Pool, orderId: string): Promise<NotificationRow[]> {
  const { rows } = await pool.query<NotificationRow>('SELECT id, event_id, channel, user_id, status, attempts, failure_reason, template FROM notifications WHERE order_id = $1 ORDER BY created_at, channel', [orderId]);
  return rows;
}
