// Bad input on every inventory route gets a 4xx problem+json — never a 5xx — and changes nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { count, startInventory, stockRow, type InventoryFixture } from '../support/inventory-fixture.ts';

let f: InventoryFixture;
let productId: string;
const orderId = 'order-bad-input-1';

beforeAll(async () => {
  f = await startInventory();
  productId = randomUUID();
  await f.restock(productId, 10);
  const res = await f.app.inject({ method: 'POST', url: '/reservations', headers: f.admin, payload: { orderId, items: [{ productId, quantity: 1 }] } });
  expect(res.statusCode).toBe(201);
});
afterAll(() => f?.close());

const huge = 'x'.repeat(100_000);


/** Bodies that must be refused, derived from a valid one. */
function badBodies(valid: Record<string, unknown>, numberField?: string): Array<[string, string]> {
  const cases: Array<[string, string]> = [
    ['malformed JSON', '{"quantity": 1,'],
    ['JSON array', '[]'],
    ['JSON null', 'null'],
    ['JSON string', '"hello"'],
    ['empty object', '{}'],
    ['unknown field', JSON.stringify({ ...valid, isAdmin: true })],
    ['oversize body', JSON.stringify({ ...valid, blob: huge })],
    ['prototype pollution', `{"__proto__": {"admin": true}, ${JSON.stringify(valid).slice(1)}`],
  ];
  for (const key of Object.keys(valid)) {
    const { [key]: _omit, ...rest } = valid;
    cases.push([`missing ${key}`, JSON.stringify(rest)]);
  }
  if (numberField) {
    cases.push(
      ['negative number', JSON.stringify({ ...valid, [numberField]: -1 })],
      ['zero', JSON.stringify({ ...valid, [numberField]: 0 })],
      ['huge number', JSON.stringify({ ...valid, [numberField]: 1e21 })],
      ['beyond safe integers', `{${JSON.stringify(valid).slice(1, -1).replace(/"quantity":\d+/, '"quantity":9007199254740993')}}`],
      ['fractional number', JSON.stringify({ ...valid, [numberField]: 1.5 })],
      ['number as string', JSON.stringify({ ...valid, [numberField]: '5' })],
      ['null number', JSON.stringify({ ...valid, [numberField]: null })],
      ['NaN', `{${JSON.stringify(valid).slice(1, -1).replace(/"quantity":\d+/, '"quantity":NaN')}}`],
    );
  }
  return cases;
}

describe('bad input on write routes', () => {
  const headers = () => ({ ...f.admin, 'content-type': 'application/json' });

  it('POST /stock/:productId/restock refuses malformed bodies and ids and changes nothing', async () => {
    const before = await stockRow(f.pool, productId);
    const cases = [
      ...badBodies({ quantity: 5 }, 'quantity'),
      ['over the per-restock maximum', JSON.stringify({ quantity: 1_000_001 })],
      ['negative threshold', JSON.stringify({ quantity: 1, lowStockThreshold: -1 })],
      ['threshold as string', JSON.stringify({ quantity: 1, lowStockThreshold: 'low' })],
    ] as Array<[string, string]>;
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'POST', url: `/stock/${productId}/restock`, headers: headers(), payload }), 'client', what);
    }
    for (const url of ['/stock/42/restock', `/stock/${encodeURIComponent("1' OR 1=1--")}/restock`, `/stock/${'9'.repeat(500)}/restock`, '/stock/%E2%98%95/restock']) {
      expectProblem(await f.app.inject({ method: 'POST', url, headers: headers(), payload: { quantity: 1 } }), 'client', url);
    }
    expectProblem(await f.app.inject({ method: 'POST', url: `/stock/${productId}/restock`, headers: { ...f.admin, 'content-type': 'text/plain' }, payload: 'quantity=1' }), 'client', 'text/plain');
    expect(await stockRow(f.pool, productId)).toEqual(before);
    expect(await count(f.pool, 'SELECT count(*) AS n FROM stock')).toBe(1);
  });

  it('PUT /stock/:productId refuses malformed bodies and ids and changes nothing', async () => {
    const before = await stockRow(f.pool, productId);
    const cases = [
      ...badBodies({ onHand: 5 }),
      ['negative', JSON.stringify({ onHand: -1 })],
      ['over the maximum', JSON.stringify({ onHand: 1_000_000_001 })],
      ['fractional', JSON.stringify({ onHand: 2.5 })],
      ['as string', JSON.stringify({ onHand: '5' })],
      ['null', JSON.stringify({ onHand: null })],
      ['huge', '{"onHand": 1e400}'],
      ['negative threshold', JSON.stringify({ onHand: 5, lowStockThreshold: -2 })],
    ] as Array<[string, string]>;
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'PUT', url: `/stock/${productId}`, headers: headers(), payload }), 'client', what);
    }
    for (const url of ['/stock/42', `/stock/${encodeURIComponent("1' OR 1=1--")}`, '/stock/%E2%98%95']) {
      expectProblem(await f.app.inject({ method: 'PUT', url, headers: headers(), payload: { onHand: 1 } }), 'client', url);
    }
    // Below the reserved unit: a 409 problem, not a constraint violation.
    expectProblem(await f.app.inject({ method: 'PUT', url: `/stock/${productId}`, headers: headers(), payload: { onHand: 0 } }), 'client', 'below reserved');
    expect(await stockRow(f.pool, productId)).toEqual(before);
    expect(await count(f.pool, 'SELECT count(*) AS n FROM stock')).toBe(1);
  });

  it('POST /reservations refuses malformed bodies and reserves nothing', async () => {
    const before = await stockRow(f.pool, productId);
    const valid = { orderId: 'order-x', items: [{ productId, quantity: 1 }] };
    const item = (extra: Record<string, unknown>) => JSON.stringify({ ...valid, items: [{ productId, quantity: 1, ...extra }] });
    const cases = [
      ...badBodies(valid),
      ['no items', JSON.stringify({ ...valid, items: [] })],
      ['51 items', JSON.stringify({ ...valid, items: Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 })) })],
      ['items not an array', JSON.stringify({ ...valid, items: { productId, quantity: 1 } })],
      ['zero quantity', item({ quantity: 0 })],
      ['negative quantity', item({ quantity: -3 })],
      ['quantity over 1000', item({ quantity: 1001 })],
      ['fractional quantity', item({ quantity: 0.5 })],
      ['quantity as string', item({ quantity: '1' })],
      ['huge quantity', item({ quantity: 1e300 })],
      ['unknown item field', item({ priceCents: 1 })],
      ['product id not a UUID', JSON.stringify({ ...valid, items: [{ productId: 'sku-1', quantity: 1 }] })],
      ['unicode order id', JSON.stringify({ ...valid, orderId: 'ordér-☕' })],
      ['empty order id', JSON.stringify({ ...valid, orderId: '' })],
      ['oversize order id', JSON.stringify({ ...valid, orderId: 'o'.repeat(101) })],
      ['order id as number', JSON.stringify({ ...valid, orderId: 7 })],
      ['bad expiresAt', JSON.stringify({ ...valid, expiresAt: 'tomorrow' })],
      ['expiresAt in the past', JSON.stringify({ ...valid, expiresAt: '2001-01-01T00:00:00Z' })],
      ['expiresAt in year 0', JSON.stringify({ ...valid, expiresAt: '0000-01-01T00:00:00Z' })],
      ['expiresAt far away', JSON.stringify({ ...valid, expiresAt: '9999-12-31T23:59:59Z' })],
      ['expiresAt on 30 February', JSON.stringify({ ...valid, expiresAt: '2030-02-30T00:00:00Z' })],
      ['unknown product', JSON.stringify({ ...valid, items: [{ productId: randomUUID(), quantity: 1 }] })],
      ['more than available', JSON.stringify({ ...valid, items: [{ productId, quantity: 1000 }] })],
    ] as Array<[string, string]>;
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'POST', url: '/reservations', headers: headers(), payload }), 'client', what);
    }
    expect(await stockRow(f.pool, productId)).toEqual(before);
    expect(await count(f.pool, 'SELECT count(*) AS n FROM reservations')).toBe(1);
  });

  it('release and commit refuse malformed bodies and order ids and change nothing', async () => {
    const before = await stockRow(f.pool, productId);
    const release = (url: string, payload: string) => f.app.inject({ method: 'POST', url, headers: headers(), payload });
    for (const [what, payload] of [
      ...badBodies({ reason: 'payment_declined' }),
      ['reason with spaces', JSON.stringify({ reason: 'Payment declined' })],
      ['reason in unicode', JSON.stringify({ reason: 'zahlung_abgelehnt_☕' })],
      ['oversize reason', JSON.stringify({ reason: 'a'.repeat(65) })],
      ['reason as number', JSON.stringify({ reason: 5 })],
    ] as Array<[string, string]>) {
      expectProblem(await release(`/reservations/${orderId}/release`, payload), 'client', what);
    }
    for (const bad of [encodeURIComponent("1' OR 1=1--"), 'o'.repeat(101), '%E2%98%95', '%00']) {
      expectProblem(await release(`/reservations/${bad}/release`, JSON.stringify({ reason: 'x' })), 'client', `release ${bad}`);
      expectProblem(await f.app.inject({ method: 'POST', url: `/reservations/${bad}/commit`, headers: f.admin }), 'client', `commit ${bad}`);
      expectProblem(await f.app.inject({ url: `/reservations/${bad}`, headers: f.admin }), 'client', `get ${bad}`);
    }
    // The commit route takes no body; a broken one is still refused, not a 5xx.
    expectProblem(await f.app.inject({ method: 'POST', url: `/reservations/${orderId}/commit`, headers: headers(), payload: '{"x":' }), 'client', 'commit with malformed JSON');
    expectProblem(await f.app.inject({ method: 'POST', url: `/reservations/${orderId}/commit`, headers: { ...f.admin, 'content-type': 'application/xml' }, payload: '<x/>' }), 'client', 'commit with XML');
    expect(await stockRow(f.pool, productId)).toEqual(before);
    expect((await f.app.inject({ url: `/reservations/${orderId}`, headers: f.admin })).json()).toMatchObject({ status: 'reserved' });
  });

  it('every write route answers 401 without a token and 403 to a customer', async () => {
    const customer = { authorization: `Bearer ${f.customerToken}` };
    const routes: Array<[string, unknown]> = [
      [`/stock/${productId}/restock`, { quantity: 1 }],
      [`PUT /stock/${productId}`, { onHand: 1 }],
      ['/reservations', { orderId: 'o-1', items: [{ productId, quantity: 1 }] }],
      [`/reservations/${orderId}/release`, { reason: 'x' }],
      [`/reservations/${orderId}/commit`, undefined],
    ];
    for (const [route, payload] of routes) {
      const [method, url] = route.startsWith('PUT ') ? (['PUT', route.slice(4)] as const) : (['POST', route] as const);
      const none = await f.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
      expectProblem(none, 'client', `401 ${url}`);
      expect(none.statusCode).toBe(401);
      const forbidden = await f.app.inject({ method, url, headers: customer, ...(payload === undefined ? {} : { payload: payload as object }) });
      expectProblem(forbidden, 'client', `403 ${url}`);
      expect(forbidden.statusCode).toBe(403);
    }
    const read = await f.app.inject({ url: `/reservations/${orderId}`, headers: customer });
    expect(read.statusCode).toBe(403);
  });
});

describe('bad input on read routes', () => {
  it.each([
    '/stock/not-a-uuid',
    '/stock/%E2%98%95',
    `/stock/${'a'.repeat(500)}`,
    '/stock',
    '/stock?productIds=',
    '/stock?productIds=abc',
    `/stock?productIds=${randomUUID()},`,
    `/stock?productIds=${randomUUID()},,${randomUUID()}`,
    `/stock?productIds=${Array.from({ length: 101 }, () => randomUUID()).join(',')}`,
    `/stock?productIds=${'-'.repeat(36)}`,
    `/stock?productIds=${randomUUID()}&extra=1`,
    '/stock?productIds=%00',
    `/stock/${randomUUID()}`,
  ])('GET %s → 4xx problem', async (url) => {
    expectProblem(await f.app.inject({ url }), 'client', url);
  });
});
