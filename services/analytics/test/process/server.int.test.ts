// The real process: analytics starts from environment variables, migrates, provisions its topics,
// consumes domain events, serves over a real port, is ready, and exits 0 on SIGTERM; bad
// configuration stops start-up with one line naming it.
import { fileURLToPath } from 'node:url';
import { makeEvent } from '@shopwatch/contracts';
import { createEventProducer, createKafkaClient, createPool, deleteTopics, issueToken } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, spawnService, uniqueName, waitFor, type TestDatabase } from '@shopwatch/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
const JWT_SECRET = 'process-test-secret-at-least-32-characters';
const base = uniqueName('test.analytics-process');
const topics = { CATALOG_VIEWS_TOPIC: `${base}.views`, ORDERS_EVENTS_TOPIC: `${base}.orders`, SUPPORT_EVENTS_TOPIC: `${base}.support`, DEAD_LETTER_TOPIC: `${base}.deadletter` };
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('analytics-process');
});
afterAll(async () => {
  await db?.drop();
  const client = createKafkaClient({ brokers: infraEnv().kafkaBrokers, clientId: 'analytics-process-test' });
  await deleteTopics(client, Object.values(topics)).catch(() => undefined);
});

const env = () => ({
  DATABASE_URL: db.url,
  KAFKA_BROKERS: infraEnv().kafkaBrokers.join(','),
  JWT_SECRET,
  CONSUMER_GROUP: `${base}-group`,
  CONSUMER_FROM_BEGINNING: 'true',
  ...topics,
});

describe('analytics process', () => {
  it('ingests clicks and domain events, reports the funnel, and exits 0 on SIGTERM', async () => {
    const analytics = await spawnService({ name: 'analytics', script, env: env(), nodeFlags: ['--max-semi-space-size=2'] });
    const client = createKafkaClient({ brokers: infraEnv().kafkaBrokers, clientId: 'analytics-process-producer' });
    const producer = createEventProducer({ client, registry: new Registry(), topicOf: () => topics.ORDERS_EVENTS_TOPIC });
    try {
      const ready = (await (await fetch(`${analytics.url}/readyz`)).json()) as { checks: Record<string, unknown> };
      expect(Object.keys(ready.checks).sort()).toEqual(['kafka-consumer', 'postgres']);
      const accepted = await fetch(`${analytics.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: [{ type: 'product_view', sessionId: 'sess-proc-1', productId: 'p-1' }, { type: 'add_to_cart', sessionId: 'sess-proc-1', productId: 'p-1' }] }),
      });
      expect(accepted.status).toBe(202);

      await producer.connect();
      const order = { orderId: 'order-proc-1', userId: 'user-1', totalCents: 1000, currency: 'EUR' };
      await producer.publish([makeEvent('shop.orders.order.placed', order.orderId, { ...order, items: [{ productId: 'p-1', quantity: 1, unitPriceCents: 1000 }] }, { source: '/services/orders', now: () => new Date() })]);

      const admin = `Bearer ${await issueToken({ secret: JWT_SECRET }, { subject: 'admin-1', role: 'admin' })}`;
      const report = await waitFor('the placed order and the buffered clicks in the funnel', async () => {
        const body = (await (await fetch(`${analytics.url}/funnel?window=1h`, { headers: { authorization: admin } })).json()) as { stages: Array<{ stage: string; count: number; storefront: number; domain: number }> };
        return body.stages.find((s) => s.stage === 'checkout')?.domain === 1 && body.stages.find((s) => s.stage === 'add_to_cart')?.storefront === 1 && body;
      }, { timeoutMs: 45_000 });
      expect(report.stages.map((s) => [s.stage, s.storefront, s.domain])).toEqual([
        ['product_view', 1, 0],
        ['add_to_cart', 1, 0],
        ['checkout', 0, 1],
        ['purchase', 0, 0],
      ]);
      const openapi = (await (await fetch(`${analytics.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(openapi.paths).sort()).toEqual(['/events', '/funnel']);
      const metrics = await (await fetch(`${analytics.url}/metrics`)).text();
      expect(metrics).toMatch(/^shop_funnel_events_total\{stage="checkout",source="domain",service="analytics"\} 1$/m);
      expect(metrics).toMatch(/^shop_funnel_events_total\{stage="purchase",source="storefront",service="analytics"\} 0$/m);
      const bad = await fetch(`${analytics.url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events": [{"type": "hover"}]}' });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    } finally {
      await producer.disconnect().catch(() => undefined);
      analytics.child.kill('SIGTERM');
    }
    const exit = await analytics.exited;
    expect(exit, analytics.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(analytics.output()).toContain('shutdown complete');
  });

  it('SIGTERM writes the clicks still buffered before the process exits', async () => {
    // A flush interval far beyond the test: only the shutdown can have written these clicks.
    const analytics = await spawnService({ name: 'analytics', script, env: { ...env(), EVENT_CONSUMER: 'false', CLICK_FLUSH_INTERVAL_MS: '600000' } });
    const session = 'sess-sigterm-1';
    try {
      const accepted = await fetch(`${analytics.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: [{ type: 'checkout_started', sessionId: session }, { type: 'purchase_completed', sessionId: session }] }),
      });
      expect(accepted.status).toBe(202);
      const metrics = await (await fetch(`${analytics.url}/metrics`)).text();
      expect(metrics).toMatch(/^shop_analytics_clicks_buffered\{service="analytics"\} 2$/m);
    } finally {
      analytics.child.kill('SIGTERM');
    }
    expect(await analytics.exited, analytics.output().slice(-3000)).toEqual({ code: 0, signal: null });
    const pool = createPool({ connectionString: db.url, max: 1 });
    try {
      const { rows } = await pool.query<{ stage: string }>('SELECT stage FROM analytics_funnel_sessions WHERE session_id = $1 ORDER BY stage', [session]);
      expect(rows.map((r) => r.stage)).toEqual(['checkout', 'purchase']);
    } finally {
      await pool.end();
    }
  });

  it.each([
    [{ CLICK_FLUSH_INTERVAL_MS: '10' }, 'CLICK_FLUSH_INTERVAL_MS'],
    [{ RATE_LIMIT_MAX: '0' }, 'RATE_LIMIT_MAX'],
    [{ ORDERS_EVENTS_TOPIC: 'bad topic name' }, 'ORDERS_EVENTS_TOPIC'],
    [{ SESSION_RETENTION_HOURS: '1' }, 'SESSION_RETENTION_HOURS'],
  ] as const)('refuses to start with %j, naming the variable on one line', async (over, variable) => {
    const analytics = await spawnService({ name: 'analytics', script, env: { ...env(), ...over }, ready: false });
    const exit = await analytics.exited;
    expect(exit.code).toBe(1);
    const lines = analytics.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });
});
