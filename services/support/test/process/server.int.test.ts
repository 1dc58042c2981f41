// The real process: support starts from environment variables, migrates, serves over a real port,
// is ready, and exits 0 on SIGTERM; bad configuration stops start-up with one line naming it.
import { fileURLToPath } from 'node:url';
import { createKafkaClient, deleteTopics, issueToken } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, spawnService, startCollector, uniqueName, waitFor, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
const JWT_SECRET = 'process-test-secret-at-least-32-characters';
let db: TestDatabase;
const eventsTopic = `${uniqueName('test.support-process')}.events`;
const env = () => ({ DATABASE_URL: db.url, KAFKA_BROKERS: infraEnv().kafkaBrokers.join(','), JWT_SECRET, EVENTS_TOPIC: eventsTopic });

beforeAll(async () => {
  db = await createTestDatabase('support-process');
});
afterAll(async () => {
  await db?.drop();
  const client = createKafkaClient({ brokers: infraEnv().kafkaBrokers, clientId: 'support-process-test' });
  await deleteTopics(client, [eventsTopic]).catch(() => undefined);
});

describe('support process', () => {
  it('starts, serves a ticket, publishes its fact, reports metrics and OpenAPI, and exits 0 on SIGTERM', async () => {
    const support = await spawnService({ name: 'support', script, env: env(), nodeFlags: ['--max-semi-space-size=2'] });
    const collector = await startCollector(infraEnv().kafkaBrokers, [eventsTopic]);
    try {
      expect((await fetch(`${support.url}/livez`)).status).toBe(200);
      const ready = (await (await fetch(`${support.url}/readyz`)).json()) as { checks: Record<string, unknown> };
      expect(Object.keys(ready.checks).sort()).toEqual(['kafka', 'postgres']);
      const token = await issueToken({ secret: JWT_SECRET }, { subject: 'user-1', role: 'customer' });
      const created = await fetch(`${support.url}/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ subject: 'Hello', message: 'Is anyone there?', category: 'other' }),
      });
      expect(created.status).toBe(201);
      const ticket = (await created.json()) as { id: string };
      const fact = await waitFor('the opened fact on Kafka', () => collector.records.find((r) => r.key === ticket.id), { timeoutMs: 45_000 });
      expect(JSON.parse(fact.text!)).toMatchObject({ type: 'shop.support.ticket.opened', subject: ticket.id, data: { ticketId: ticket.id, userId: 'user-1', category: 'other' } });
      const openapi = (await (await fetch(`${support.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(openapi.paths).sort()).toEqual(['/tickets', '/tickets/{id}', '/tickets/{id}/assign', '/tickets/{id}/rating', '/tickets/{id}/replies', '/tickets/{id}/resolve']);
      const metrics = await (await fetch(`${support.url}/metrics`)).text();
      expect(metrics).toMatch(/^shop_support_tickets_opened_total\{category="other",service="support"\} 1$/m);
      expect(metrics).toMatch(/^shop_support_tickets_open\{status="open",service="support"\} 1$/m);
      const bad = await fetch(`${support.url}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"subject":' });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    } finally {
      await collector.stop();
      support.child.kill('SIGTERM');
    }
    const exit = await support.exited;
    expect(exit, support.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(support.output()).toContain('shutdown complete');
    expect(support.output()).not.toContain('Is anyone there?');
  });

  it.each([
    [{ EVENTS_TOPIC: 'no spaces allowed' }, 'EVENTS_TOPIC'],
  ] as const)('refuses to start with %j, naming the variable on one line', async (over, variable) => {
    const support = await spawnService({ name: 'support', script, env: { ...env(), ...over }, ready: false });
    const exit = await support.exited;
    expect(exit.code).toBe(1);
    const lines = support.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });
});
