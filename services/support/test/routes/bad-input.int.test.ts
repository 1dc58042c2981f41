// Bad input on every support route gets a 4xx problem+json — never a 5xx — and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startSupport, type SupportFixture } from '../support/support-fixture.ts';

let f: SupportFixture;
let ticketId: string;
let resolvedId: string;

beforeAll(async () => {
  f = await startSupport();
  const open = async () => {
    const res = await f.app.inject({ method: 'POST', url: '/tickets', headers: f.alice, payload: { subject: 'Broken kettle', message: 'It leaks.', category: 'product' } });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string }>().id;
  };
  ticketId = await open();
  resolvedId = await open();
  expect((await f.app.inject({ method: 'POST', url: `/tickets/${resolvedId}/resolve`, headers: f.alice })).statusCode).toBe(200);
});
afterAll(() => f?.close());

const huge = 'x'.repeat(100_000);
const counts = async () => (await f.pool.query<{ t: string; m: string }>('SELECT (SELECT count(*) FROM support_tickets) AS t, (SELECT count(*) FROM support_messages) AS m')).rows[0];

/** Bodies that must be refused, derived from a valid one. */
function badBodies(valid: Record<string, unknown>): Array<[string, string]> {
  const cases: Array<[string, string]> = [
    ['malformed JSON', '{"message": "hi",'],
    ['JSON array', '[]'],
    ['JSON string', '"hello"'],
    ['JSON number', '42'],
    ['empty object', '{}'],
    ['unknown field', JSON.stringify({ ...valid, isAdmin: true })],
    ['oversize body', JSON.stringify({ ...valid, blob: huge })],
    ['prototype pollution', `{"__proto__": {"admin": true}, ${JSON.stringify(valid).slice(1)}`],
  ];
  for (const key of Object.keys(valid)) {
    const { [key]: _omit, ...rest } = valid;
    cases.push([`missing ${key}`, JSON.stringify(rest)]);
    cases.push([`${key} as number`, JSON.stringify({ ...valid, [key]: 12 })]);
    cases.push([`${key} as null`, JSON.stringify({ ...valid, [key]: null })]);
    cases.push([`${key} as array`, JSON.stringify({ ...valid, [key]: ['a'] })]);
  }
  return cases;
}

async function expectRefused(method: 'POST' | 'GET', url: string, payloads: Array<[string, string]>, who = f.alice) {
  for (const [what, payload] of payloads) {
    expectProblem(await f.app.inject({ method, url, headers: { ...who, 'content-type': 'application/json' }, payload }), 'client', `${url}: ${what}`);
  }
}

describe('bad input', () => {
  it('POST /tickets refuses malformed bodies and stores nothing', async () => {
    const before = await counts();
    const valid = { subject: 'Hello', message: 'World', category: 'order' };
    await expectRefused('POST', '/tickets', [
      ...badBodies(valid),
      ['unknown category', JSON.stringify({ ...valid, category: 'complaints' })],
      ['category in capitals', JSON.stringify({ ...valid, category: 'ORDER' })],
      ['empty subject', JSON.stringify({ ...valid, subject: '' })],
      ['blank message', JSON.stringify({ ...valid, message: '   \n\t ' })],
      ['subject too long', JSON.stringify({ ...valid, subject: 's'.repeat(201) })],
      ['message too long', JSON.stringify({ ...valid, message: 'm'.repeat(5001) })],
      ['orderId with SQL', JSON.stringify({ ...valid, orderId: "1' OR 1=1--" })],
      ['orderId too long', JSON.stringify({ ...valid, orderId: 'o'.repeat(101) })],
      ['orderId as number', JSON.stringify({ ...valid, orderId: 123 })],
      ['huge number as subject', '{"subject": 1e400, "message": "x", "category": "order"}'],
    ]);
    expectProblem(await f.app.inject({ method: 'POST', url: '/tickets', headers: { ...f.alice, 'content-type': 'text/plain' }, payload: 'subject=hi' }), 'client', 'text/plain');
    expect(await counts()).toEqual(before);
  });

  it('unicode text is stored as sent (emoji, right-to-left, combining marks) and NUL is refused', async () => {
    const subject = '🫖 Kettle — ça fuit! مرحبا Z̤͔ͧ̑';
    const res = await f.app.inject({ method: 'POST', url: '/tickets', headers: f.bob, payload: { subject, message: '水が漏れる 💧', category: 'product' } });
    expect(res.statusCode).toBe(201);
    expect(res.json<{ subject: string }>().subject).toBe(subject);
    const before = await counts();
    expectProblem(await f.app.inject({ method: 'POST', url: '/tickets', headers: f.bob, payload: { subject: 'a\u0000b', message: 'x', category: 'product' } }), 'client', 'NUL');
    expect(await counts()).toEqual(before);
  });

  it('POST /tickets/:id/replies refuses malformed bodies and ids', async () => {
    const before = await counts();
    await expectRefused('POST', `/tickets/${ticketId}/replies`, [...badBodies({ message: 'hi' }), ['message too long', JSON.stringify({ message: 'm'.repeat(5001) })]]);
    for (const url of ['/tickets/42/replies', `/tickets/${encodeURIComponent("1' OR 1=1--")}/replies`, `/tickets/${'9'.repeat(500)}/replies`, '/tickets/%E2%98%95/replies', '/tickets/%ZZ/replies']) {
      expectProblem(await f.app.inject({ method: 'POST', url, headers: f.alice, payload: { message: 'hi' } }), 'client', url);
    }
    expect(await counts()).toEqual(before);
  });

  it('POST /tickets/:id/rating refuses scores outside 1-5 and other shapes', async () => {
    const url = `/tickets/${resolvedId}/rating`;
    await expectRefused('POST', url, [
      ...badBodies({ score: 5 }),
      ['zero', JSON.stringify({ score: 0 })],
      ['negative', JSON.stringify({ score: -1 })],
      ['six', JSON.stringify({ score: 6 })],
      ['fractional', JSON.stringify({ score: 4.5 })],
      ['string', JSON.stringify({ score: '5' })],
      ['huge', '{"score": 1e400}'],
      ['beyond safe integers', '{"score": 9007199254740993}'],
      ['NaN', '{"score": NaN}'],
      ['comment too long', JSON.stringify({ score: 5, comment: 'c'.repeat(2001) })],
      ['comment as number', JSON.stringify({ score: 5, comment: 5 })],
    ]);
    const { rows } = await f.pool.query<{ rating: number | null }>('SELECT rating FROM support_tickets WHERE id = $1', [resolvedId]);
    expect(rows[0]?.rating).toBeNull();
  });

  it('resolve and assign take no body: a body with fields is refused', async () => {
    for (const action of ['resolve', 'assign']) {
      const res = await f.app.inject({ method: 'POST', url: `/tickets/${ticketId}/${action}`, headers: f.agent, payload: { status: 'resolved' } });
      expectProblem(res, 400, action);
      expectProblem(await f.app.inject({ method: 'POST', url: `/tickets/${ticketId}/${action}`, headers: { ...f.agent, 'content-type': 'application/json' }, payload: '[1]' }), 400, `${action} array`);
    }
    const { rows } = await f.pool.query<{ status: string; assignee_id: string | null }>('SELECT status, assignee_id FROM support_tickets WHERE id = $1', [ticketId]);
    expect(rows[0]).toEqual({ status: 'open', assignee_id: null });
  });

  it('GET /tickets refuses bad query parameters; GET /tickets/:id bad ids', async () => {
    for (const query of ['status=closed', 'limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'limit=1e400', 'offset=-5', 'offset=99999999999999999999', 'unknown=1', `status=${encodeURIComponent('open\u0000')}`]) {
      expectProblem(await f.app.inject({ method: 'GET', url: `/tickets?${query}`, headers: f.agent }), 400, query);
    }
    for (const url of ['/tickets/not-a-uuid', '/tickets/%E2%98%95', `/tickets/${'a'.repeat(2000)}`]) {
      expectProblem(await f.app.inject({ method: 'GET', url, headers: f.alice }), 'client', url);
    }
  });

  it('malformed or forged tokens are 401 problems', async () => {
    for (const authorization of ['Bearer', 'Bearer abc.def.ghi', 'Basic dXNlcjpwYXNz', `Bearer ${'a'.repeat(5000)}`]) {
      expectProblem(await f.app.inject({ method: 'GET', url: '/tickets', headers: { authorization } }), 401, authorization.slice(0, 20));
    }
  });
});
