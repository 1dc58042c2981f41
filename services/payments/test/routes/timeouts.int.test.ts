// A slow psp: the call times out (504, reason timeout), and because psp may still have authorised
// in the background, a retry under the same idempotency key picks that authorisation up instead of
// charging again.
import { PspFaultsFileSchema, type PspFaultsFile } from '@shopwatch/psp';
import { expectProblem, waitFor } from '@shopwatch/testkit';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPayments, type PaymentProblem, type PaymentsFixture } from '../support/payments-fixture.ts';

let f: PaymentsFixture;
let faults = Value.Default(PspFaultsFileSchema, {}) as PspFaultsFile;
const setFaults = (value: unknown) => {
  faults = Value.Default(PspFaultsFileSchema, Value.Clone(value)) as PspFaultsFile;
};

beforeAll(async () => {
  // psp's added latency (1.5 s) is far above the call timeout (150 ms): the timeout always wins.
  f = await startPayments({ breaker: { timeoutMs: 150 }, retry: { maxAttempts: 1 }, pspFaults: { current: () => faults } });
});
afterAll(() => f?.close());

const authorize = (key: string, orderId: string) =>
  f.app.inject({ method: 'POST', url: '/payments/authorize', headers: { 'idempotency-key': key }, payload: { amountCents: 700, currency: 'EUR', orderId } });

describe('psp timeouts', () => {
  it('answers 504 timeout, then a retry with the same key gets the authorisation psp made meanwhile', async () => {
    setFaults({ http: { latencyMs: 1_500 } });
    const first = await authorize('timeout-1', 'order-timeout-1');
    expect(expectProblem<PaymentProblem>(first, 'any')).toMatchObject({ status: 504, reason: 'timeout', dependency: 'psp' });
    expect(await f.metric('shop_payments_psp_calls_total', { operation: 'authorize', outcome: 'timeout' })).toBe(1);
    const paymentId = String(expectProblem<PaymentProblem>(first, 'any').paymentId);
    const { rows } = await f.pool.query<{ status: string; failure_reason: string }>('SELECT status, failure_reason FROM payments WHERE id = $1', [paymentId]);
    expect(rows[0]).toEqual({ status: 'failed', failure_reason: 'timeout' });

    // psp finishes the slow request on its own: one authorisation exists there now.
    await waitFor('psp authorised in the background', () => f.psp.store.withReference('order-timeout-1').length === 1, { timeoutMs: 30_000 });
    setFaults({});
    const retry = await authorize('timeout-1', 'order-timeout-1');
    // psp was consulted again (under the same psp key), so this is a fresh answer, not a replay.
    expect(retry.statusCode).toBe(201);
    const payment = retry.json<{ id: string; status: string; pspAuthorizationId: string }>();
    expect(payment).toMatchObject({ id: paymentId, status: 'authorized' });
    expect(f.psp.store.withReference('order-timeout-1').map((a) => a.id)).toEqual([payment.pspAuthorizationId]);
  });
});
