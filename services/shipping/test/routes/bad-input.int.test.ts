// Bad input on every shipping route gets a 4xx problem+json — never a 5xx — and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { count, startShipping, type ShippingFixture } from '../support/shipping-fixture.ts';

let f: ShippingFixture;
beforeAll(async () => {
  f = await startShipping();
});
afterAll(() => f?.close());

const huge = 'x'.repeat(100_000);


describe('POST /quotes', () => {
  const valid = { destination: { country: 'DE', postalCode: '10115', city: 'Berlin' }, weightGrams: 1000, method: 'standard' };
  const withWeight = (w: string) => `{"destination":{"country":"DE","postalCode":"10115","city":"Berlin"},"weightGrams":${w}}`;
  const cases: Array<[string, string]> = [
    ['malformed JSON', '{"weightGrams": 1,'],
    ['JSON array', '[]'],
    ['JSON null', 'null'],
    ['JSON string', '"hello"'],
    ['empty object', '{}'],
    ['unknown field', JSON.stringify({ ...valid, isAdmin: true })],
    ['unknown destination field', JSON.stringify({ ...valid, destination: { ...valid.destination, street: 'Unter den Linden 1' } })],
    ['oversize body', JSON.stringify({ ...valid, blob: huge })],
    ['prototype pollution', `{"__proto__": {"admin": true}, ${JSON.stringify(valid).slice(1)}`],
    ['missing destination', JSON.stringify({ weightGrams: 1000 })],
    ['missing weight', JSON.stringify({ destination: valid.destination })],
    ['missing country', JSON.stringify({ ...valid, destination: { postalCode: '10115', city: 'Berlin' } })],
    ['lowercase country', JSON.stringify({ ...valid, destination: { ...valid.destination, country: 'de' } })],
    ['three-letter country', JSON.stringify({ ...valid, destination: { ...valid.destination, country: 'DEU' } })],
    ['postal code with symbols', JSON.stringify({ ...valid, destination: { ...valid.destination, postalCode: "1' OR 1=1" } })],
    ['empty city', JSON.stringify({ ...valid, destination: { ...valid.destination, city: '' } })],
    ['unknown method', JSON.stringify({ ...valid, method: 'teleport' })],
    ['destination as string', JSON.stringify({ ...valid, destination: 'Berlin' })],
    ['negative weight', withWeight('-1')],
    ['zero weight', withWeight('0')],
    ['huge weight', withWeight('1e21')],
    ['beyond safe integers', withWeight('9007199254740993')],
    ['fractional weight', withWeight('1.5')],
    ['weight as string', withWeight('"5"')],
    ['null weight', withWeight('null')],
    ['NaN weight', withWeight('NaN')],
  ];

  it.each(cases)('refuses %s', async (what, payload) => {
    expectProblem(await f.app.inject({ method: 'POST', url: '/quotes', headers: { 'content-type': 'application/json' }, payload }), 'client', what);
  });

  it('refuses a non-JSON content type', async () => {
    expectProblem(await f.app.inject({ method: 'POST', url: '/quotes', headers: { 'content-type': 'text/plain' }, payload: 'weight=1' }), 'client', 'text/plain');
  });
});

describe('GET /shipments/:id and GET /shipments', () => {
  it('refuses missing, malformed and foreign tokens', async () => {
    for (const authorization of [undefined, 'Bearer', 'Bearer not.a.token', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'a'.repeat(5000)}`]) {
      const headers = authorization ? { authorization } : {};
      expectProblem(await f.app.inject({ method: 'GET', url: '/shipments/00000000-0000-4000-8000-000000000000', headers }), 'client', `one: ${String(authorization).slice(0, 20)}`);
      expectProblem(await f.app.inject({ method: 'GET', url: '/shipments', headers }), 'client', `list: ${String(authorization).slice(0, 20)}`);
    }
  });

  it('refuses malformed ids', async () => {
    for (const id of ['42', encodeURIComponent("1' OR 1=1--"), '9'.repeat(500), '%E2%98%95', '00000000-0000-4000-8000-00000000000g']) {
      expectProblem(await f.app.inject({ method: 'GET', url: `/shipments/${id}`, headers: f.admin }), 'client', id);
    }
  });

  it('refuses malformed list queries', async () => {
    for (const query of ['limit=0', 'limit=-1', 'limit=101', 'limit=abc', 'limit=1e21', 'status=lost', 'orderId=', `orderId=${'o'.repeat(101)}`, 'orderId=%27%20OR%201%3D1', 'cursor=!!!', `cursor=${'a'.repeat(300)}`, 'cursor=YWJj', 'unknown=1']) {
      expectProblem(await f.app.inject({ method: 'GET', url: `/shipments?${query}`, headers: f.admin }), 'client', query);
    }
  });

  it('left no rows behind', async () => {
    expect(await count(f.pool, 'SELECT count(*) AS n FROM shipments')).toBe(0);
  });
});

describe('unknown routes and methods', () => {
  it('are problems too', async () => {
    expectProblem(await f.app.inject({ method: 'GET', url: '/nope' }), 'client', 'unknown path');
    expectProblem(await f.app.inject({ method: 'DELETE', url: '/quotes' }), 'client', 'unknown method');
    expectProblem(await f.app.inject({ method: 'POST', url: '/shipments', payload: {} }), 'client', 'no create over HTTP');
  });
});
