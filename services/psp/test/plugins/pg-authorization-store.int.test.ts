// The ledger's guarantees that the route suite cannot show from one app: it outlives the process,
// serialises one key across replicas, settles racing operations in one state, forgets only what
// is past retention, and turns an unreachable database into 503, never 500.
import { createPool } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgAuthorizationStore } from '../../src/plugins/pg-authorization-store.ts';
import { startPgPsp, type PgPsp } from '../support/psp-fixture.ts';

let pg: PgPsp;
beforeAll(async () => {
  pg = await startPgPsp('psp_ledger');
});
afterAll(() => pg?.close());

interface Json {
  id: string;
  status: string;
  [field: string]: unknown;
}

const body = { amountCents: 4200, currency: 'EUR', cardToken: 'tok_visa' };

describe('psp ledger in PostgreSQL', () => {
  it('outlives the app: a restarted psp captures, refunds and replays what the first one authorised', async () => {
    const before = await pg.start();
    const key = `restart-${Date.now()}`;
    const created = await before.app.inject({ method: 'POST', url: '/authorizations', headers: { 'idempotency-key': key }, payload: { ...body, reference: `order-${key}` } });
    expect(created.statusCode).toBe(201);
    const auth = created.json<Json>();
    await before.close();

    const after = await pg.start();
    const replay = await after.app.inject({ method: 'POST', url: '/authorizations', headers: { 'idempotency-key': key }, payload: { ...body, reference: `order-${key}` } });
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json<Json>()).toEqual(auth);
    expect((await after.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/capture` })).json<Json>().status).toBe('captured');
    expect((await after.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/refund` })).json<Json>().status).toBe('refunded');
    expect((await after.store.withReference(`order-${key}`)).map((a) => a.status)).toEqual(['refunded']);
  });

  it('the fail-once token is approved on the retry even when a different replica takes it', async () => {
    const [a, b] = await Promise.all([pg.start(), pg.start()]);
    const key = `fail-once-${Date.now()}`;
    const payload = { ...body, cardToken: 'tok_fail_once' };
    expect((await a.app.inject({ method: 'POST', url: '/authorizations', headers: { 'idempotency-key': key }, payload })).statusCode).toBe(500);
    const retry = await b.app.inject({ method: 'POST', url: '/authorizations', headers: { 'idempotency-key': key }, payload });
    expect(retry.statusCode).toBe(201);
    expect(retry.json<Json>().status).toBe('authorized');
  });

  it('one key sent to several replicas at once makes one authorisation; the others replay it', async () => {
    const replicas = await Promise.all([pg.start(), pg.start(), pg.start()]);
    const key = `race-${Date.now()}`;
    const reference = `order-${key}`;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        replicas[i % replicas.length]!.app.inject({ method: 'POST', url: '/authorizations', headers: { 'idempotency-key': key }, payload: { ...body, reference } }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([...Array<number>(11).fill(200), 201].sort());
    expect(new Set(answers.map((a) => a.json<Json>().id)).size).toBe(1);
    expect(await replicas[0].store.withReference(reference)).toHaveLength(1);
  });

  it('a capture racing a void ends in exactly one of them, and both callers are told the same final state', async () => {
    const [a, b] = await Promise.all([pg.start(), pg.start()]);
    for (let round = 0; round < 10; round += 1) {
      const auth = (await a.app.inject({ method: 'POST', url: '/authorizations', payload: body })).json<Json>();
      const [capture, voided] = await Promise.all([
        a.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/capture` }),
        b.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/void` }),
      ]);
      const final = (await a.store.find(auth.id))!.status;
      expect(['captured', 'voided']).toContain(final);
      // The winner answers 200 with the final state; the loser 409 naming it.
      const [winner, loser] = final === 'captured' ? [capture, voided] : [voided, capture];
      expect(winner.statusCode).toBe(200);
      expect(winner.json<Json>().status).toBe(final);
      expect(loser.statusCode).toBe(409);
      expect(loser.json<Json>()).toMatchObject({ code: final === 'captured' ? 'already_captured' : 'already_voided' });
    }
  });

  it('the retention sweep forgets authorisations, their keys and attempts past retention, and nothing newer', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new PgAuthorizationStore(pg.pool, { now: () => now });
    const approve = async () => ({ kind: 'approve' }) as const;
    const old = await store.authorize({ ...body, reference: 'sweep-old' }, `sweep-old-${Date.now()}`, approve);
    now = new Date('2026-01-20T00:00:00Z');
    const recent = await store.authorize({ ...body, reference: 'sweep-recent' }, `sweep-recent-${Date.now()}`, approve);
    expect(old.kind).toBe('created');
    expect(recent.kind).toBe('created');
    const swept = await store.sweep(24 * 10, 1);
    expect(swept.authorizations).toBeGreaterThanOrEqual(1);
    expect(swept.attempts).toBeGreaterThanOrEqual(1);
    expect(await store.withReference('sweep-old')).toEqual([]);
    expect(await store.withReference('sweep-recent')).toHaveLength(1);
    const { rows } = await pg.pool.query<{ n: string }>(`SELECT count(*) AS n FROM psp_idempotency_keys WHERE key LIKE 'sweep-old-%'`);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('answers 503 problem+json naming postgres (never 500) while the ledger is unreachable', async () => {
    // A pool to a loopback port where nothing listens: every query fails to connect, as during an outage.
    const dead = createPool({ connectionString: 'postgres://shopwatch:shopwatch@127.0.0.1:1/none', max: 1 });
    const { buildPspApp } = await import('../../src/app.ts');
    const { createLogger } = await import('@shopwatch/platform');
    const app = await buildPspApp({ logger: createLogger({ service: 'psp', level: 'silent' }), store: new PgAuthorizationStore(dead) });
    try {
      const id = `auth_${'1'.repeat(32)}`;
      for (const [method, url, payload] of [
        ['POST', '/authorizations', body],
        ['GET', `/authorizations/${id}`, undefined],
        ['POST', `/authorizations/${id}/capture`, undefined],
        ['POST', `/authorizations/${id}/void`, undefined],
        ['POST', `/authorizations/${id}/refund`, undefined],
      ] as const) {
        const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(503);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json<Json>()).toMatchObject({ status: 503, dependency: 'postgres' });
      }
    } finally {
      await app.close();
      await dead.end();
    }
  });
});
