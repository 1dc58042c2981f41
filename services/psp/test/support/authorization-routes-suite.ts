// psp's routes, one suite for both stores: the unit project runs it on the memory store, the
// integration project on the PostgreSQL ledger (the store the process uses), so the two cannot drift.
import { randomUUID } from 'node:crypto';
import { expectProblem } from '@shopwatch/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PspFixture } from './psp-fixture.ts';

/** A response body as the tests read it (authorisation or problem). */
interface Json {
  id: string;
  status: string;
  [field: string]: unknown;
}


export function authorizationRouteSuite(start: () => Promise<PspFixture>): void {
  let psp: PspFixture;
  beforeAll(async () => {
    psp = await start();
  });
  afterAll(() => psp?.close());
  // Idempotency keys unique to each attempt of a test: the ledger outlives a retried test, whose
  // first request must not replay its previous attempt's.
  let attempt = '';
  beforeEach(() => {
    attempt = randomUUID().slice(0, 8);
  });
  const key = (name: string) => `${name}-${attempt}`;

  const body = (overrides: Record<string, unknown> = {}) => ({ amountCents: 1250, currency: 'EUR', cardToken: 'tok_visa', ...overrides });
  /** One series of a counter in psp's registry (0 when it was never incremented). */
  async function counter(name: string, labels: Record<string, string>): Promise<number> {
    const metric = await psp.app.metrics.registry.getSingleMetric(name)?.get();
    const series = metric?.values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
    return series?.value ?? 0;
  }
  const authorize = (payload: Record<string, unknown>, idempotencyKey?: string) =>
    psp.app.inject({ method: 'POST', url: '/authorizations', payload, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} });

  describe('authorizations', () => {
    it('authorises, captures once (a repeat is a no-op) and shows the result', async () => {
      const created = await authorize(body({ reference: 'order-1' }));
      expect(created.statusCode).toBe(201);
      const auth = created.json<Json>();
      expect(auth).toMatchObject({ status: 'authorized', amountCents: 1250, currency: 'EUR', declineCode: null, reference: 'order-1' });
      expect(created.headers['location']).toBe(`/authorizations/${auth.id}`);

      const capture = await psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/capture` });
      expect(capture.statusCode).toBe(200);
      expect(capture.json<Json>().status).toBe('captured');
      expect((await psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/capture` })).json<Json>().status).toBe('captured');

      const voided = await psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/void` });
      expect(voided.statusCode).toBe(409);
      expect(voided.json<Json>()).toMatchObject({ code: 'already_captured' });
      expect((await psp.app.inject({ url: `/authorizations/${auth.id}` })).json<Json>().status).toBe('captured');
    });

    it('voids an authorisation, after which it cannot be captured', async () => {
      const auth = (await authorize(body())).json<Json>();
      expect((await psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/void` })).json<Json>().status).toBe('voided');
      expect((await psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/void` })).statusCode).toBe(200);
      const capture = await psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/capture` });
      expect(capture.statusCode).toBe(409);
      expect(capture.json<Json>()).toMatchObject({ code: 'already_voided' });
    });

    it('refunds a capture once (a repeat answers the same, unchanged); an authorisation not captured cannot be refunded', async () => {
      const auth = (await authorize(body({ reference: 'order-refund' }))).json<Json>();
      const early = await psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/refund` });
      expect(early.statusCode).toBe(409);
      expect(early.headers['content-type']).toContain('application/problem+json');
      expect(early.json<Json>()).toMatchObject({ code: 'not_captured' });
      await psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/capture` });
      const refundsBefore = await counter('shop_psp_operations_total', { operation: 'refund', outcome: 'refunded' });
      const [first, second] = await Promise.all([
        psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/refund` }),
        psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/refund` }),
      ]);
      expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
      expect(first.json<Json>()).toMatchObject({ id: auth.id, status: 'refunded', amountCents: 1250 });
      expect(second.json<Json>()).toMatchObject({ id: auth.id, status: 'refunded' });
      expect(await counter('shop_psp_operations_total', { operation: 'refund', outcome: 'refunded' })).toBe(refundsBefore + 1);
      for (const operation of ['capture', 'void']) {
        const after = await psp.app.inject({ method: 'POST', url: `/authorizations/${auth.id}/${operation}` });
        expect(after.statusCode).toBe(409);
        expect(after.json<Json>()).toMatchObject({ code: 'already_refunded' });
      }
      const missing = await psp.app.inject({ method: 'POST', url: `/authorizations/auth_${'0'.repeat(32)}/refund` });
      expect(missing.statusCode).toBe(404);
    });

    it('declines the decline test token with a code, as a stored authorisation', async () => {
      const res = await authorize(body({ cardToken: 'tok_decline' }));
      expect(res.statusCode).toBe(201);
      expect(res.json<Json>()).toMatchObject({ status: 'declined', declineCode: 'card_declined' });
      expect((await psp.app.inject({ method: 'POST', url: `/authorizations/${res.json<Json>().id}/capture` })).json<Json>()).toMatchObject({ code: 'declined' });
    });

    it('answers a repeated Idempotency-Key with the first result and never authorises twice', async () => {
      const sizeBefore = await psp.store.count();
      const first = await authorize(body(), key('key-repeat-1'));
      const [second, third] = await Promise.all([authorize(body(), key('key-repeat-1')), authorize(body(), key('key-repeat-1'))]);
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(200);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.json<Json>()).toEqual(first.json<Json>());
      expect(third.json<Json>()).toEqual(first.json<Json>());
      expect((await psp.store.count())).toBe(sizeBefore + 1);

      const conflict = await authorize(body({ amountCents: 9999 }), key('key-repeat-1'));
      expect(conflict.statusCode).toBe(409);
      expect(conflict.json<Json>()).toMatchObject({ code: 'idempotency_key_reused' });
    });

    it('concurrent first requests under one key make one authorisation', async () => {
      const sizeBefore = await psp.store.count();
      const results = await Promise.all(Array.from({ length: 5 }, () => authorize(body(), key('key-race-1'))));
      expect(new Set(results.map((r) => r.json<Json>().id)).size).toBe(1);
      expect((await psp.store.count())).toBe(sizeBefore + 1);
    });

    it('answers provider errors with 500 and stores nothing, so a retry under the same key succeeds', async () => {
      const first = await authorize(body({ cardToken: 'tok_fail_once' }), key('key-flaky-1'));
      expect(first.statusCode).toBe(500);
      expect(first.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(first.json<Json>()).toMatchObject({ code: 'processing_error' });
      const retry = await authorize(body({ cardToken: 'tok_fail_once' }), key('key-flaky-1'));
      expect(retry.statusCode).toBe(201);
      expect(retry.json<Json>().status).toBe('authorized');
      expect((await authorize(body({ cardToken: 'tok_error' }), key('key-error-1'))).statusCode).toBe(500);
    });

    it('refuses amounts above the limit and unsupported currencies with 422 and a code', async () => {
      const big = await authorize(body({ amountCents: 1_000_001 }));
      expect(big.statusCode).toBe(422);
      expect(big.json<Json>()).toMatchObject({ code: 'invalid_amount' });
      const currency = await authorize(body({ currency: 'XAU' }));
      expect(currency.statusCode).toBe(422);
      expect(currency.json<Json>()).toMatchObject({ code: 'unsupported_currency' });
    });

    it('applies the fault knobs: injected 503s, provider errors and declines', async () => {
      psp.setFaults({ http: { errorRate: 1 } });
      const unavailable = await authorize(body());
      expect(unavailable.statusCode).toBe(503);
      expect((await psp.app.inject({ url: '/livez' })).statusCode).toBe(200);
      psp.setFaults({ psp: { errorRate: 1 } });
      expect((await authorize(body())).statusCode).toBe(500);
      psp.setFaults({ psp: { declineRate: 1 } });
      expect((await authorize(body())).json<Json>()).toMatchObject({ status: 'declined', declineCode: 'do_not_honor' });
      psp.setFaults({});
      expect((await authorize(body())).json<Json>().status).toBe('authorized');
    });

    it('documents its routes in OpenAPI', async () => {
      const openapi = (await psp.app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, unknown> } & Json>();
      expect(Object.keys(openapi.paths).sort()).toEqual(['/authorizations', '/authorizations/{id}', '/authorizations/{id}/capture', '/authorizations/{id}/refund', '/authorizations/{id}/void']);
    });

    it('counts operations in its metrics', async () => {
      const text = (await psp.app.inject({ url: '/metrics' })).body;
      expect(text).toMatch(/shop_psp_operations_total\{[^}]*operation="authorize"[^}]*outcome="authorized"[^}]*\} [1-9]/);
      expect(text).toMatch(/shop_psp_idempotent_replays_total\{[^}]*\} [1-9]/);
    });
  });

  describe('bad input on every route → 4xx problem+json', () => {

    it('POST /authorizations refuses malformed bodies and keys and stores nothing', async () => {
      const before = await psp.store.count();
      const valid = body();
      const cases: Array<[string, string]> = [
        ['malformed JSON', '{"amountCents": 1,'],
        ['array', '[]'],
        ['null', 'null'],
        ['string', '"x"'],
        ['empty object', '{}'],
        ['unknown field', JSON.stringify({ ...valid, admin: true })],
        ['missing amount', JSON.stringify({ currency: 'EUR', cardToken: 'tok_visa' })],
        ['missing token', JSON.stringify({ amountCents: 1, currency: 'EUR' })],
        ['zero amount', JSON.stringify({ ...valid, amountCents: 0 })],
        ['negative amount', JSON.stringify({ ...valid, amountCents: -5 })],
        ['fractional amount', JSON.stringify({ ...valid, amountCents: 10.5 })],
        ['huge amount', JSON.stringify({ ...valid, amountCents: 1e21 })],
        ['amount as string', JSON.stringify({ ...valid, amountCents: '100' })],
        ['lowercase currency', JSON.stringify({ ...valid, currency: 'eur' })],
        ['unicode token', JSON.stringify({ ...valid, cardToken: 'tok_☕' })],
        ['not a token', JSON.stringify({ ...valid, cardToken: '4111111111111111' })],
        ['oversize token', JSON.stringify({ ...valid, cardToken: `tok_${'a'.repeat(500)}` })],
        ['oversize body', JSON.stringify({ ...valid, blob: 'x'.repeat(100_000) })],
        ['bad reference', JSON.stringify({ ...valid, reference: "o'; DROP" })],
      ];
      for (const [what, payload] of cases) {
        expectProblem(await psp.app.inject({ method: 'POST', url: '/authorizations', headers: { 'content-type': 'application/json' }, payload }), 'client', what);
      }
      for (const badKey of ['', 'has space', 'k'.repeat(129), 'ключ']) {
        expectProblem(await psp.app.inject({ method: 'POST', url: '/authorizations', headers: { 'idempotency-key': badKey }, payload: valid }), 'client', `key ${badKey}`);
      }
      expectProblem(await psp.app.inject({ method: 'POST', url: '/authorizations', headers: { 'content-type': 'text/plain' }, payload: 'hi' }), 'client', 'text/plain');
      expect((await psp.store.count())).toBe(before);
    });

    it.each(['GET /authorizations/abc', 'GET /authorizations/auth_XYZ', `GET /authorizations/${'9'.repeat(500)}`, 'POST /authorizations/abc/capture', 'POST /authorizations/%E2%98%95/void', `GET /authorizations/auth_${'0'.repeat(32)}`, `POST /authorizations/auth_${'0'.repeat(32)}/capture`])(
      '%s → 4xx problem',
      async (route) => {
        const [method, url] = route.split(' ') as ['GET' | 'POST', string];
        expectProblem(await psp.app.inject({ method, url }), 'client', route);
      },
    );
  });
}
