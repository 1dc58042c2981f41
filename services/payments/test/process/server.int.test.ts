// The real processes: psp and payments start from environment variables, payments migrates,
// provisions its topics and serves over a real port against the real psp process; bad
// configuration stops start-up with one line; SIGTERM exits 0.
import { deleteTopics, createKafkaClient } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, uniqueName, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService } from '../support/processes.ts';

let db: TestDatabase;
/** psp's ledger: a database of its own, as in a cluster. */
let pspDb: TestDatabase;
const base = uniqueName('test.payments-process');
const topics = { COMMANDS_TOPIC: `${base}.commands`, EVENTS_TOPIC: `${base}.events` };

beforeAll(async () => {
  db = await createTestDatabase('payments-process');
  pspDb = await createTestDatabase('psp-process');
});
afterAll(async () => {
  await db?.drop();
  await pspDb?.drop();
  const client = createKafkaClient({ brokers: infraEnv().kafkaBrokers, clientId: 'payments-process-test' });
  await deleteTopics(client, Object.values(topics)).catch(() => undefined);
});

describe('psp and payments processes', () => {
  it('authorise and capture across the two real processes; both exit 0 on SIGTERM; a restarted psp still knows the capture', async () => {
    const psp = await spawnService('psp', { DATABASE_URL: pspDb.url });
    let pspAuthorizationId: string | undefined;
    try {
      const payments = await spawnService('payments', {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: infraEnv().kafkaBrokers.join(','),
        PSP_URL: psp.url,
        CONSUMER_GROUP: `${base}-group`,
        ...topics,
      });
      try {
        const authorized = await fetch(`${payments.url}/payments/authorize`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'process-1' },
          body: JSON.stringify({ amountCents: 4200, currency: 'EUR', cardToken: 'tok_visa' }),
        });
        expect(authorized.status).toBe(201);
        const payment = (await authorized.json()) as { id: string; pspAuthorizationId: string };
        pspAuthorizationId = payment.pspAuthorizationId;
        const captured = await fetch(`${payments.url}/payments/${payment.id}/capture`, { method: 'POST' });
        expect(((await captured.json()) as { status: string }).status).toBe('captured');
        const atPsp = (await (await fetch(`${psp.url}/authorizations/${payment.pspAuthorizationId}`)).json()) as { status: string };
        expect(atPsp.status).toBe('captured');

        const openapi = (await (await fetch(`${payments.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
        expect(Object.keys(openapi.paths).sort()).toEqual(['/payments/authorize', '/payments/{id}', '/payments/{id}/capture', '/payments/{id}/refund', '/payments/{id}/void']);
        const metrics = await (await fetch(`${payments.url}/metrics`)).text();
        expect(metrics).toMatch(/^shop_payments_circuit_state\{dependency="psp",service="payments"\} 0$/m);
        expect(metrics).toMatch(/^shop_payments_outcomes_total\{operation="capture",outcome="captured",service="payments"\} 1$/m);
      } finally {
        payments.child.kill('SIGTERM');
      }
      const exit = await payments.exited;
      expect(exit, payments.output().slice(-3000)).toEqual({ code: 0, signal: null });
      expect(payments.output()).not.toContain('tok_visa');
    } finally {
      psp.child.kill('SIGTERM');
    }
    expect(await psp.exited).toEqual({ code: 0, signal: null });

    // psp keeps its ledger in PostgreSQL: a new process answers for what the last one did.
    const restarted = await spawnService('psp', { DATABASE_URL: pspDb.url });
    try {
      const again = await fetch(`${restarted.url}/authorizations/${pspAuthorizationId}`);
      expect(again.status).toBe(200);
      expect(((await again.json()) as { status: string }).status).toBe('captured');
    } finally {
      restarted.child.kill('SIGTERM');
    }
    expect(await restarted.exited).toEqual({ code: 0, signal: null });
  });

  it.each([
    ['payments', { PSP_URL: 'not a url' }, 'PSP_URL'],
    ['payments', { BREAKER_ERROR_THRESHOLD_PERCENT: '0' }, 'BREAKER_ERROR_THRESHOLD_PERCENT'],
    ['payments', { PSP_RETRY_ATTEMPTS: 'many' }, 'PSP_RETRY_ATTEMPTS'],
    ['psp', { PSP_CURRENCIES: 'euro' }, 'PSP_CURRENCIES'],
    ['psp', { PSP_RETENTION_HOURS: '0' }, 'PSP_RETENTION_HOURS'],
    ['psp', { DATABASE_URL: '' }, 'DATABASE_URL'],
  ] as const)('%s refuses to start with %j, naming the variable on one line', async (name, env, variable) => {
    const required: Record<string, string> = name === 'payments' ? { DATABASE_URL: db.url, KAFKA_BROKERS: infraEnv().kafkaBrokers.join(',') } : { DATABASE_URL: pspDb.url };
    const service = await spawnService(name, { ...required, ...env }, { ready: false });
    const exit = await service.exited;
    expect(exit.code).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });
});
