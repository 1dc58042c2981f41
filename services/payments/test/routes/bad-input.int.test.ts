// Bad input on every payments route gets a 4xx problem+json — never a 5xx — and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startPayments, type PaymentsFixture } from '../support/payments-fixture.ts';

let f: PaymentsFixture;
let paymentId: string;
beforeAll(async () => {
  f = await startPayments();
  const res = await f.app.inject({ method: 'POST', url: '/payments/authorize', headers: { 'idempotency-key': 'bad-input-seed' }, payload: { amountCents: 100, currency: 'EUR' } });
  paymentId = res.json<{ id: string }>().id;
});
afterAll(() => f?.close());


const count = async (table: string) => Number((await f.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

describe('POST /payments/authorize', () => {
  it('refuses every malformed body, missing or malformed key, and stores nothing', async () => {
    const payments = await count('payments');
    const pspRecords = f.psp.store.size;
    const valid = { amountCents: 1000, currency: 'EUR', cardToken: 'tok_visa', orderId: 'order-1' };
    const cases: Array<[string, string]> = [
      ['malformed JSON', '{"amountCents": 1,'],
      ['JSON array', '[]'],
      ['JSON null', 'null'],
      ['JSON string', '"pay"'],
      ['empty object', '{}'],
      ['unknown field', JSON.stringify({ ...valid, tip: 5 })],
      ['prototype pollution', `{"__proto__": {"admin": true}, ${JSON.stringify(valid).slice(1)}`],
      ['missing amount', JSON.stringify({ currency: 'EUR' })],
      ['missing currency', JSON.stringify({ amountCents: 1 })],
      ['zero amount', JSON.stringify({ ...valid, amountCents: 0 })],
      ['negative amount', JSON.stringify({ ...valid, amountCents: -100 })],
      ['fractional amount', JSON.stringify({ ...valid, amountCents: 10.5 })],
      ['huge amount', JSON.stringify({ ...valid, amountCents: 1e21 })],
      ['beyond safe integer', '{"amountCents": 9007199254740993, "currency": "EUR"}'],
      ['amount as string', JSON.stringify({ ...valid, amountCents: '1000' })],
      ['NaN', '{"amountCents": NaN, "currency": "EUR"}'],
      ['lowercase currency', JSON.stringify({ ...valid, currency: 'eur' })],
      ['unicode currency', JSON.stringify({ ...valid, currency: 'E€R' })],
      ['card number instead of token', JSON.stringify({ ...valid, cardToken: '4111111111111111' })],
      ['oversize token', JSON.stringify({ ...valid, cardToken: `tok_${'a'.repeat(1000)}` })],
      ['sql order id', JSON.stringify({ ...valid, orderId: "1' OR 1=1--" })],
      ['emoji order id', JSON.stringify({ ...valid, orderId: '🛒' })],
      ['oversize body', JSON.stringify({ ...valid, blob: 'x'.repeat(100_000) })],
    ];
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'POST', url: '/payments/authorize', headers: { 'idempotency-key': `bad-${what.replaceAll(' ', '-')}`, 'content-type': 'application/json' }, payload }), 'client', what);
    }
    for (const key of [undefined, '', 'has space', 'k'.repeat(129), "k';--"]) {
      const headers: Record<string, string> = key === undefined ? {} : { 'idempotency-key': key };
      expectProblem(await f.app.inject({ method: 'POST', url: '/payments/authorize', headers, payload: valid }), 'client', `key ${String(key)}`);
    }
    expectProblem(await f.app.inject({ method: 'POST', url: '/payments/authorize', headers: { 'idempotency-key': 'bad-text', 'content-type': 'text/plain' }, payload: 'pay me' }), 'client', 'text/plain');
    expect(await count('payments')).toBe(payments);
    expect(f.psp.store.size).toBe(pspRecords);
  });
});

describe('routes with a payment id', () => {
  it.each([
    'GET /payments/abc',
    'GET /payments/42',
    `GET /payments/${'9'.repeat(500)}`,
    'GET /payments/%E2%98%95',
    "GET /payments/1'%20OR%201=1--",
    'POST /payments/abc/capture',
    'POST /payments/abc/void',
    'GET /payments/00000000-0000-4000-8000-000000000000',
    'POST /payments/00000000-0000-4000-8000-000000000000/capture',
    'POST /payments/00000000-0000-4000-8000-000000000000/void',
    'DELETE /payments/00000000-0000-4000-8000-000000000000',
  ])('%s → 4xx problem', async (route) => {
    const [method, url] = route.split(' ') as ['GET' | 'POST' | 'DELETE', string];
    expectProblem(await f.app.inject({ method, url }), 'client', route);
  });

  it('a malformed body sent to capture is refused and the payment stays intact', async () => {
    const before = (await f.pool.query('SELECT * FROM payments WHERE id = $1', [paymentId])).rows;
    expectProblem(await f.app.inject({ method: 'POST', url: `/payments/${paymentId}/capture`, headers: { 'content-type': 'application/json' }, payload: '{"x":' }), 'client', 'malformed JSON body');
    expect((await f.pool.query('SELECT * FROM payments WHERE id = $1', [paymentId])).rows).toEqual(before);
  });
});
