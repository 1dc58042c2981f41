// psp unreachable: the breaker opens after the threshold, further calls fail fast with
// psp_unavailable without touching the network, and after the reset timeout it half-opens and
// closes again once psp is back. Transitions are asserted by state and counters, never by durations.
import { expectProblem, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPayments, type PaymentProblem, type PaymentsFixture } from '../support/payments-fixture.ts';

let f: PaymentsFixture;
beforeAll(async () => {
  f = await startPayments({
    // Two attempts per call; the breaker may open from the 4th attempt in the window on.
    breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 3_000, timeoutMs: 2_000 },
    retry: { maxAttempts: 2 },
  });
});
afterAll(() => f?.close());

let keys = 0;
const authorize = () =>
  f.app.inject({ method: 'POST', url: '/payments/authorize', headers: { 'idempotency-key': `breaker-${++keys}` }, payload: { amountCents: 500, currency: 'EUR' } });
const state = () => f.metric('shop_payments_circuit_state', { dependency: 'psp' });
const transitions = (to: string) => f.metric('shop_payments_circuit_transitions_total', { dependency: 'psp', to });
const calls = (outcome: string) => f.metric('shop_payments_psp_calls_total', { operation: 'authorize', outcome });
const networkAttempts = async () => {
  const text = await f.app.metrics.registry.getSingleMetricAsString('shop_payments_psp_request_duration_seconds');
  return [...text.matchAll(/_count\{[^}]*\} (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
};

describe('circuit breaker in front of psp', () => {
  it('is closed while psp answers', async () => {
    expect((await authorize()).statusCode).toBe(201);
    expect(f.app.psp.state()).toBe('closed');
    expect(await state()).toBe(0);
  });

  it('opens after the threshold of failed calls once psp is unreachable', async () => {
    await f.psp.stop();
    const first = await authorize();
    expect(expectProblem<PaymentProblem>(first, 'any')).toMatchObject({ status: 503, reason: 'psp_unavailable' });
    // 1 success + 2 failed attempts: below the volume threshold of 4, still closed.
    expect(f.app.psp.state()).toBe('closed');
    const second = await authorize();
    expect(expectProblem<PaymentProblem>(second, 'any')).toMatchObject({ status: 503, reason: 'psp_unavailable' });
    expect(f.app.psp.state()).toBe('open');
    expect(await state()).toBe(2);
    expect(await transitions('open')).toBe(1);
    // The 4th attempt (the second call's first) reached the threshold at 75% failed; the
    // second call's retry was then refused by the open breaker instead of hitting the network.
    expect(await calls('error')).toBe(3);
    expect(await calls('short_circuited')).toBe(1);
  });

  it('fails fast while open: psp_unavailable without a network attempt', async () => {
    const attemptsBefore = await networkAttempts();
    const shortBefore = await calls('short_circuited');
    const res = await authorize();
    expect(expectProblem<PaymentProblem>(res, 'any')).toMatchObject({ status: 503, reason: 'psp_unavailable', dependency: 'psp' });
    expect(await calls('short_circuited')).toBe(shortBefore + 1);
    expect(await networkAttempts()).toBe(attemptsBefore);
    const { rows } = await f.pool.query<{ status: string; failure_reason: string }>('SELECT status, failure_reason FROM payments WHERE id = $1', [String(expectProblem<PaymentProblem>(res, 'any').paymentId)]);
    expect(rows[0]).toEqual({ status: 'failed', failure_reason: 'psp_unavailable' });
  });

  it('half-opens after the reset timeout and closes when the trial call succeeds', async () => {
    await f.psp.start();
    await waitFor('breaker half-open', async () => (await state()) === 1, { timeoutMs: 30_000, intervalMs: 50 });
    expect(f.app.psp.state()).toBe('half_open');
    expect(await transitions('half_open')).toBe(1);
    const res = await authorize();
    expect(res.statusCode).toBe(201);
    expect(f.app.psp.state()).toBe('closed');
    expect(await state()).toBe(0);
    expect(await transitions('closed')).toBe(1);
  });

  it('re-opens when the half-open trial fails', async () => {
    await f.psp.stop();
    // Closed again with a fresh window: fail until the threshold opens it once more.
    for (let i = 0; i < 3 && f.app.psp.state() !== 'open'; i++) await authorize();
    expect(f.app.psp.state()).toBe('open');
    await waitFor('breaker half-open again', () => f.app.psp.state() === 'half_open', { timeoutMs: 30_000, intervalMs: 50 });
    const trial = await authorize();
    expect(expectProblem<PaymentProblem>(trial, 'any')).toMatchObject({ status: 503, reason: 'psp_unavailable' });
    expect(f.app.psp.state()).toBe('open');
    expect(await transitions('open')).toBe(3);
    await f.psp.start();
  });
});
