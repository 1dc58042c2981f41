// Bad input on every users route gets a 4xx problem+json — never a 5xx — and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { login, signup, startUsers, uniqueEmail, type UsersFixture } from '../support/users-fixture.ts';

let f: UsersFixture;
let token: string;
let userId: string;

beforeAll(async () => {
  f = await startUsers();
  const email = uniqueEmail('bad-input');
  userId = (await signup(f.app, email, 'bad input password', 'Original')).json<{ id: string }>().id;
  token = (await login(f.app, email, 'bad input password')).json<{ accessToken: string }>().accessToken;
});
afterAll(() => f?.close());

const json = { 'content-type': 'application/json' };


/** Bodies derived from a valid one that a route must refuse. */
function badBodies(valid: Record<string, unknown>): Array<[string, string]> {
  const cases: Array<[string, string]> = [
    ['malformed JSON', '{"email": "a@b.c",'],
    ['JSON array', '[]'],
    ['JSON null', 'null'],
    ['JSON string', '"hello"'],
    ['JSON number', '42'],
    ['empty object', '{}'],
    ['unknown field', JSON.stringify({ ...valid, isAdmin: true })],
    ['oversize body', JSON.stringify({ ...valid, blob: 'x'.repeat(100_000) })],
    ['prototype pollution', `{"__proto__": {"role": "admin"}, ${JSON.stringify(valid).slice(1)}`],
  ];
  for (const key of Object.keys(valid)) {
    const { [key]: _omit, ...rest } = valid;
    cases.push([`missing ${key}`, JSON.stringify(rest)]);
    cases.push([`${key} as number`, JSON.stringify({ ...valid, [key]: 42 })]);
    cases.push([`${key} as null`, JSON.stringify({ ...valid, [key]: null })]);
    cases.push([`${key} as array`, JSON.stringify({ ...valid, [key]: [valid[key]] })]);
    cases.push([`${key} oversize`, JSON.stringify({ ...valid, [key]: 'y'.repeat(5_000) })]);
  }
  return cases;
}

async function userCount(): Promise<number> {
  const { rows } = await f.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]!.n;
}

describe('POST /signup', () => {
  it('refuses every malformed body and stores nothing', async () => {
    const before = await userCount();
    const valid = { email: 'valid.person@example.com', password: 'long enough password', displayName: 'Valid Person' };
    const cases: Array<[string, string]> = [
      ...badBodies(valid),
      ['not an e-mail', JSON.stringify({ ...valid, email: 'not-an-email' })],
      ['e-mail with spaces', JSON.stringify({ ...valid, email: 'a b@example.com' })],
      ['e-mail with SQL', JSON.stringify({ ...valid, email: "x'; DROP TABLE users;--@example.com" })],
      ['unicode e-mail', JSON.stringify({ ...valid, email: 'jürgen@exämple.com' })],
      ['e-mail over 254', JSON.stringify({ ...valid, email: `${'a'.repeat(250)}@example.com` })],
      ['short password', JSON.stringify({ ...valid, password: 'short' })],
      ['password over 128', JSON.stringify({ ...valid, password: 'p'.repeat(129) })],
      ['empty display name', JSON.stringify({ ...valid, displayName: '' })],
      ['blank display name', JSON.stringify({ ...valid, displayName: '    ' })],
      ['control characters in name', JSON.stringify({ ...valid, displayName: 'evil\u0000name' })],
      ['bidi override in name', JSON.stringify({ ...valid, displayName: 'abc\u202Egpj.exe' })],
      ['display name over 100', JSON.stringify({ ...valid, displayName: 'n'.repeat(101) })],
      ['role', JSON.stringify({ ...valid, role: 'admin' })],
    ];
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'POST', url: '/signup', headers: json, payload }), 'client', what);
    }
    expectProblem(await f.app.inject({ method: 'POST', url: '/signup', headers: { 'content-type': 'text/plain' }, payload: 'hi' }), 'client', 'text/plain');
    expectProblem(await f.app.inject({ method: 'POST', url: '/signup', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a@b.c' }), 'client', 'form');
    expectProblem(await f.app.inject({ method: 'POST', url: '/signup' }), 'client', 'no body');
    expect(await userCount()).toBe(before);
  });
});

describe('POST /login', () => {
  it('refuses every malformed body without counting a failure against anyone', async () => {
    const valid = { email: 'valid.person@example.com', password: 'whatever' };
    const cases: Array<[string, string]> = [
      ...badBodies(valid),
      ['empty password', JSON.stringify({ ...valid, password: '' })],
      ['not an e-mail', JSON.stringify({ ...valid, email: 'nope' })],
      ['password over 128', JSON.stringify({ ...valid, password: 'p'.repeat(129) })],
    ];
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'POST', url: '/login', headers: json, payload }), 'client', what);
    }
    const { rows } = await f.pool.query<{ n: number }>('SELECT coalesce(sum(failed_logins), 0)::int AS n FROM users');
    expect(rows[0]!.n).toBe(0);
  });
});

describe('GET and PATCH /me', () => {
  it('refuses malformed Authorization headers', async () => {
    for (const authorization of ['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${token} extra`, 'Bearer ☕', `Bearer ${'a'.repeat(10_000)}`, 'Bearer a.b.c']) {
      expectProblem(await f.app.inject({ url: '/me', headers: { authorization } }), 'client', `GET /me with ${authorization.slice(0, 30)}`);
      expectProblem(await f.app.inject({ method: 'PATCH', url: '/me', headers: { authorization, ...json }, payload: '{"displayName":"x"}' }), 'client', `PATCH /me with ${authorization.slice(0, 30)}`);
    }
  });

  it('PATCH /me refuses malformed bodies and changes nothing', async () => {
    const before = await f.pool.query('SELECT * FROM users WHERE id = $1', [userId]);
    const cases: Array<[string, string]> = [
      ...badBodies({ displayName: 'New Name' }),
      ['e-mail change', JSON.stringify({ email: 'new@example.com' })],
      ['password change', JSON.stringify({ password: 'new password 123' })],
      ['role change', JSON.stringify({ role: 'admin' })],
      ['blank name', JSON.stringify({ displayName: ' \t ' })],
      ['zero-width name', JSON.stringify({ displayName: '\u200b' })],
    ];
    for (const [what, payload] of cases) {
      expectProblem(await f.app.inject({ method: 'PATCH', url: '/me', headers: { authorization: `Bearer ${token}`, ...json }, payload }), 'client', what);
    }
    const after = await f.pool.query('SELECT * FROM users WHERE id = $1', [userId]);
    expect(after.rows).toEqual(before.rows);
  });
});

describe('unknown routes and methods', () => {
  it.each([
    ['GET', '/signup'],
    ['DELETE', '/me'],
    ['PUT', '/me'],
    ['GET', '/users'],
    ['GET', '/%E0%A4%A'],
    ['GET', `/${'x'.repeat(5000)}`],
  ])('%s %s → 4xx problem', async (method, url) => {
    expectProblem(await f.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` } }), 'client', `${method} ${url}`);
  });
});
