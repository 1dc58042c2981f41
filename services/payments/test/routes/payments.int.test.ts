// Payments over HTTP against real PostgreSQL and a real psp app on a port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startPayments, type PaymentProblem, type PaymentsFixture } from '../support/payments-fixture.ts';

let f: PaymentsFixture;
beforeAll(async () => {
  f = await startPayments();
});
afterAll(() => f?.close());

interface PaymentJson {
  id: string;
  status: string;
  amountCents: number;
  currency: string;
  orderId: string | null;
  failureReason: string | null;
  declineCode: string | null;
  pspAuthorizationId: string | null;
  history?: { status: string; reason: string | null }[];
}

let keys = 0;
const newKey = () => `test-key-${++keys}-${Date.now()}`;
const authorize = (body: Record<string, unknown>, key: string) =>
  f.app.inject({ method: 'POST', url: '/payments/authorize', headers: { 'idempotency-key': key }, payload: { amountCents: 1999, currency: 'EUR', ...body } });
const post = (url: string) => f.app.inject({ method: 'POST', url });
const pspCalls = (outcome: string) => f.metric('shop_payments_psp_calls_total', { operation: 'authorize', outcome });

describe('authorise → capture', () => {
  it('authorises through psp, captures, and records the status history', async () => {
    const res = await authorize({ cardToken: 'tok_visa', orderId: 'order-happy-1' }, newKey());
    expect(res.statusCode).toBe(201);
    const payment = res.json<PaymentJson>();
    expect(payment).toMatchObject({ status: 'authorized', amountCents: 1999, currency: 'EUR', orderId: 'order-happy-1', failureReason: null });
    expect(payment.pspAuthorizationId).toMatch(/^auth_/);
    expect(f.psp.store.get(payment.pspAuthorizationId!)?.status).toBe('authorized');

    const captured = await post(`/payments/${payment.id}/capture`);
    expect(captured.statusCode).toBe(200);
    expect(captured.json<PaymentJson>().status).toBe('captured');
    expect(f.psp.store.get(payment.pspAuthorizationId!)?.status).toBe('captured');
    // A repeated capture changes nothing and succeeds.
    expect((await post(`/payments/${payment.id}/capture`)).json<PaymentJson>().status).toBe('captured');

    const read = (await f.app.inject({ url: `/payments/${payment.id}` })).json<PaymentJson>();
    expect(read.history?.map((h) => h.status)).toEqual(['pending', 'authorized', 'captured']);
    expect(await f.metric('shop_payments_outcomes_total', { operation: 'capture', outcome: 'captured' })).toBeGreaterThanOrEqual(1);
    expect(await f.metric('shop_payments_amount_cents_total', { currency: 'EUR', outcome: 'captured' })).toBeGreaterThanOrEqual(1999);
  });

  it('refunds a captured payment (idempotent: a repeat answers 200 unchanged); an authorised one is refused with 409 not_captured', async () => {
    const payment = (await authorize({ orderId: 'order-refund-1' }, newKey())).json<PaymentJson>();
    const early = await post(`/payments/${payment.id}/refund`);
    expect(early.statusCode).toBe(409);
    expect(expectProblem<PaymentProblem>(early, 'any').reason).toBe('not_captured');
    await post(`/payments/${payment.id}/capture`);
    const refunded = await post(`/payments/${payment.id}/refund`);
    expect(refunded.statusCode).toBe(200);
    expect(refunded.json<PaymentJson>().status).toBe('refunded');
    expect(f.psp.store.get(payment.pspAuthorizationId!)?.status).toBe('refunded');
    expect((await post(`/payments/${payment.id}/refund`)).json<PaymentJson>().status).toBe('refunded');
    // Nothing is held any more: a void is satisfied; a capture is refused.
    expect((await post(`/payments/${payment.id}/void`)).json<PaymentJson>().status).toBe('refunded');
    expect((await post(`/payments/${payment.id}/capture`)).statusCode).toBe(409);
    const read = (await f.app.inject({ url: `/payments/${payment.id}` })).json<PaymentJson>();
    expect(read.history?.map((h) => h.status)).toEqual(['pending', 'authorized', 'captured', 'refunded']);
    expect(await f.metric('shop_payments_amount_cents_total', { currency: 'EUR', outcome: 'refunded' })).toBeGreaterThanOrEqual(1999);
    const missing = await post('/payments/00000000-0000-4000-8000-000000000000/refund');
    expect(missing.statusCode).toBe(404);
    expect((await post('/payments/not-a-uuid/refund')).statusCode).toBe(400);
  });

  it('voids an authorisation; a voided payment cannot be captured, a captured one cannot be voided', async () => {
    const payment = (await authorize({}, newKey())).json<PaymentJson>();
    const voided = await post(`/payments/${payment.id}/void`);
    expect(voided.statusCode).toBe(200);
    expect(voided.json<PaymentJson>().status).toBe('voided');
    expect(f.psp.store.get(payment.pspAuthorizationId!)?.status).toBe('voided');
    const capture = await post(`/payments/${payment.id}/capture`);
    expect(capture.statusCode).toBe(409);
    expect(expectProblem<PaymentProblem>(capture, 'any').reason).toBe('not_authorized');

    const other = (await authorize({}, newKey())).json<PaymentJson>();
    await post(`/payments/${other.id}/capture`);
    const voidCaptured = await post(`/payments/${other.id}/void`);
    expect(voidCaptured.statusCode).toBe(409);
    expect(expectProblem<PaymentProblem>(voidCaptured, 'any').reason).toBe('already_captured');
  });
});

describe('declines and failures', () => {
  it('records a decline with its reason and does not retry it', async () => {
    const okBefore = await pspCalls('ok');
    const retriesBefore = await f.metric('shop_payments_psp_retries_total');
    const res = await authorize({ cardToken: 'tok_decline' }, newKey());
    expect(res.statusCode).toBe(201);
    expect(res.json<PaymentJson>()).toMatchObject({ status: 'declined', failureReason: 'declined', declineCode: 'card_declined' });
    expect(await pspCalls('ok')).toBe(okBefore + 1);
    expect(await f.metric('shop_payments_psp_retries_total')).toBe(retriesBefore);
    expect(await f.metric('shop_payments_outcomes_total', { operation: 'authorize', outcome: 'declined' })).toBeGreaterThanOrEqual(1);
    const capture = await post(`/payments/${res.json<PaymentJson>().id}/capture`);
    expect(expectProblem<PaymentProblem>(capture, 'any')).toMatchObject({ status: 409, reason: 'not_authorized' });
  });

  it('retries a transient psp failure under the same psp key: one authorisation', async () => {
    const sizeBefore = f.psp.store.size;
    const retriesBefore = await f.metric('shop_payments_psp_retries_total', { operation: 'authorize' });
    const res = await authorize({ cardToken: 'tok_fail_once' }, newKey());
    expect(res.statusCode).toBe(201);
    expect(res.json<PaymentJson>().status).toBe('authorized');
    expect(await f.metric('shop_payments_psp_retries_total', { operation: 'authorize' })).toBe(retriesBefore + 1);
    expect(f.psp.store.size).toBe(sizeBefore + 1);
  });

  it('gives up after the configured attempts with 503 psp_unavailable, and the key may be retried', async () => {
    const errorsBefore = await pspCalls('error');
    const key = newKey();
    const res = await authorize({ cardToken: 'tok_error' }, key);
    expect(res.statusCode).toBe(503);
    const problem = expectProblem<PaymentProblem>(res, 'any');
    expect(problem).toMatchObject({ reason: 'psp_unavailable', dependency: 'psp' });
    expect(res.headers['retry-after']).toBe('1');
    expect(await pspCalls('error')).toBe(errorsBefore + 3);
    const stored = (await f.app.inject({ url: `/payments/${String(problem.paymentId)}` })).json<PaymentJson>();
    expect(stored).toMatchObject({ status: 'failed', failureReason: 'psp_unavailable' });
    // The same key asks psp again (the failure decided nothing).
    expect((await authorize({ cardToken: 'tok_error' }, key)).statusCode).toBe(503);
    expect(await pspCalls('error')).toBe(errorsBefore + 6);
  });

  it('maps psp refusing the amount to 422 invalid_amount without retrying', async () => {
    const rejectedBefore = await pspCalls('rejected');
    const res = await authorize({ amountCents: 5_000_000 }, newKey());
    expect(res.statusCode).toBe(422);
    expect(expectProblem<PaymentProblem>(res, 'any').reason).toBe('invalid_amount');
    expect(await pspCalls('rejected')).toBe(rejectedBefore + 1);
    const currency = await authorize({ currency: 'XAU' }, newKey());
    expect(expectProblem<PaymentProblem>(currency, 'any')).toMatchObject({ status: 422, reason: 'unsupported_currency' });
  });
});

describe('idempotency keys', () => {
  it('a retried authorisation with the same key returns the same payment and never charges twice', async () => {
    const key = newKey();
    const sizeBefore = f.psp.store.size;
    const first = await authorize({ orderId: 'order-idem-1' }, key);
    const again = await authorize({ orderId: 'order-idem-1' }, key);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<PaymentJson>()).toEqual(first.json<PaymentJson>());
    expect(f.psp.store.size).toBe(sizeBefore + 1);
  });

  it('concurrent first requests under one key make one payment and one psp authorisation', async () => {
    const key = newKey();
    const sizeBefore = f.psp.store.size;
    const results = await Promise.all(Array.from({ length: 6 }, () => authorize({}, key)));
    expect(results.every((r) => r.statusCode === 200 || r.statusCode === 201)).toBe(true);
    expect(new Set(results.map((r) => r.json<PaymentJson>().id)).size).toBe(1);
    expect(f.psp.store.size).toBe(sizeBefore + 1);
    const { rows } = await f.pool.query('SELECT count(*)::int AS n FROM payments WHERE idempotency_key = $1', [key]);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('refuses the same key for a different request with 409 idempotency_conflict', async () => {
    const key = newKey();
    await authorize({ amountCents: 100 }, key);
    const conflict = await authorize({ amountCents: 200 }, key);
    expect(conflict.statusCode).toBe(409);
    expect(expectProblem<PaymentProblem>(conflict, 'any').reason).toBe('idempotency_conflict');
  });
});

describe('metrics', () => {
  it('exposes breaker state, outcomes, amounts and psp latency', async () => {
    const text = (await f.app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/shop_payments_circuit_state\{[^}]*dependency="psp"[^}]*\} 0/);
    expect(text).toMatch(/shop_payments_outcomes_total\{[^}]*operation="authorize"[^}]*outcome="authorized"/);
    expect(text).toMatch(/shop_payments_amount_cents_total\{[^}]*currency="EUR"/);
    expect(text).toMatch(/shop_payments_psp_request_duration_seconds_bucket\{[^}]*operation="authorize"/);
  });
});
