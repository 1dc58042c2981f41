import { issueToken, verifyToken } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../src/create-admin.ts';
import { JWT, login, metric, signup, startUsers, uniqueEmail, type UsersFixture } from '../support/users-fixture.ts';

let f: UsersFixture;

beforeAll(async () => {
  f = await startUsers();
});
afterAll(() => f?.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
interface LoginBody { accessToken: string; tokenType: string; expiresIn: number; user: { id: string; email: string; role: string } }

describe('signup', () => {
  it('creates a customer with a normalised e-mail and returns no secret', async () => {
    const email = uniqueEmail('Mixed.Case');
    const before = await metric(f.app, 'shop_users_signups_total');
    const res = await signup(f.app, `  ${email.toUpperCase()}`.trim(), 'a long enough password', '  Ada   Lovelace ');
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe('/me');
    const user = res.json<Record<string, unknown>>();
    expect(user).toMatchObject({ email: email.toLowerCase(), displayName: 'Ada Lovelace', role: 'customer' });
    expect(Object.keys(user).sort()).toEqual(['createdAt', 'displayName', 'email', 'id', 'role', 'updatedAt']);
    expect(res.body).not.toMatch(/argon2|password|failed/i);
    const stored = await f.pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user['id']]);
    expect(stored.rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await metric(f.app, 'shop_users_signups_total')).toBe(before + 1);
  });

  it('refuses a second account for the same e-mail in any case with 409', async () => {
    const email = uniqueEmail('dup');
    expect((await signup(f.app, email)).statusCode).toBe(201);
    const again = await signup(f.app, email.toUpperCase());
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json()).toMatchObject({ status: 409, errors: [{ field: '/body/email' }] });
    const { rows } = await f.pool.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
    expect(rows[0]).toEqual({ n: 1 });
    expect(await metric(f.app, 'shop_users_signup_conflicts_total')).toBeGreaterThanOrEqual(1);
  });

  it('never makes an admin: a role in the body is refused', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/signup', payload: { email: uniqueEmail(), password: 'long enough pw', displayName: 'X', role: 'admin' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errors: [{ field: '/body/role', message: 'is not allowed' }] });
  });
});

describe('login', () => {
  it('issues a JWT whose subject and role claim come from the account', async () => {
    const email = uniqueEmail('login');
    const id = (await signup(f.app, email, 'my secret phrase')).json<{ id: string }>().id;
    const res = await login(f.app, email.toUpperCase(), 'my secret phrase');
    expect(res.statusCode).toBe(200);
    const body = res.json<LoginBody>();
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user: { id, email, role: 'customer' } });
    expect(res.body).not.toMatch(/argon2|passwordHash|password_hash/);
    expect(await verifyToken(JWT, body.accessToken)).toEqual({ subject: id, role: 'customer' });
    const { rows } = await f.pool.query<{ failed_logins: number; last_login_at: Date | null }>('SELECT failed_logins, last_login_at FROM users WHERE id = $1', [id]);
    expect(rows[0]!.failed_logins).toBe(0);
    expect(rows[0]!.last_login_at).toBeInstanceOf(Date);
  });

  it('answers a wrong password and an unknown e-mail identically, counting each reason', async () => {
    const email = uniqueEmail('wrong');
    await signup(f.app, email, 'the right password');
    const badBefore = await metric(f.app, 'shop_users_logins_total', { outcome: 'failure', reason: 'bad_password' });
    const unknownBefore = await metric(f.app, 'shop_users_logins_total', { outcome: 'failure', reason: 'unknown_user' });
    const wrong = await login(f.app, email, 'not the password');
    const unknown = await login(f.app, uniqueEmail('nobody'), 'not the password');
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(await metric(f.app, 'shop_users_logins_total', { outcome: 'failure', reason: 'bad_password' })).toBe(badBefore + 1);
    expect(await metric(f.app, 'shop_users_logins_total', { outcome: 'failure', reason: 'unknown_user' })).toBe(unknownBefore + 1);
  });

  it('counts active sessions until their tokens expire', async () => {
    const short = await startUsers({ tokenTtlSeconds: 60 });
    try {
      const email = uniqueEmail('sessions');
      await signup(short.app, email, 'session password');
      expect(await metric(short.app, 'shop_users_active_sessions')).toBe(0);
      for (let i = 0; i < 3; i++) expect((await login(short.app, email, 'session password')).statusCode).toBe(200);
      expect(await metric(short.app, 'shop_users_active_sessions')).toBe(3);
      expect(await metric(short.app, 'shop_users_logins_total', { outcome: 'success', reason: 'ok' })).toBe(3);
      short.clock.advance(61_000);
      expect(await metric(short.app, 'shop_users_active_sessions')).toBe(0);
      // The next login prunes the expired rows.
      await login(short.app, email, 'session password');
      const { rows } = await short.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions');
      expect(rows[0]!.n).toBe(1);
    } finally {
      await short.close();
    }
  });

  it('upgrades a hash made with weaker settings on the next successful login', async () => {
    const email = uniqueEmail('rehash');
    const id = (await signup(f.app, email, 'upgrade me please')).json<{ id: string }>().id;
    const { hash } = await import('@node-rs/argon2');
    await f.pool.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, await hash('upgrade me please', { memoryCost: 4096, timeCost: 2, parallelism: 1 })]);
    expect((await login(f.app, email, 'upgrade me please')).statusCode).toBe(200);
    const { rows } = await f.pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id]);
    expect(rows[0]!.password_hash).toMatch(/\$m=19456,t=2,p=1\$/);
    expect((await login(f.app, email, 'upgrade me please')).statusCode).toBe(200);
  });
});

describe('profile', () => {
  it('reads and updates the signed-in account', async () => {
    const email = uniqueEmail('profile');
    await signup(f.app, email, 'profile password', 'Before');
    const { accessToken } = (await login(f.app, email, 'profile password')).json<LoginBody>();
    const me = await f.app.inject({ url: '/me', headers: bearer(accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email, displayName: 'Before', role: 'customer' });
    const patched = await f.app.inject({ method: 'PATCH', url: '/me', headers: bearer(accessToken), payload: { displayName: 'After  Name' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ displayName: 'After Name' });
    expect((await f.app.inject({ url: '/me', headers: bearer(accessToken) })).json()).toMatchObject({ displayName: 'After Name' });
    expect(patched.body).not.toMatch(/argon2/);
  });

  it('refuses to change the e-mail or the role through PATCH /me', async () => {
    const email = uniqueEmail('nochange');
    await signup(f.app, email, 'profile password');
    const { accessToken, user } = (await login(f.app, email, 'profile password')).json<LoginBody>();
    for (const payload of [{ email: 'other@example.com' }, { role: 'admin' }, { displayName: 'x', role: 'admin' }]) {
      expect((await f.app.inject({ method: 'PATCH', url: '/me', headers: bearer(accessToken), payload })).statusCode).toBe(400);
    }
    const { rows } = await f.pool.query('SELECT email, role FROM users WHERE id = $1', [user.id]);
    expect(rows[0]).toEqual({ email, role: 'customer' });
  });

  it('answers 401 without, with a forged and with an expired token; 404 for a deleted account', async () => {
    expect((await f.app.inject({ url: '/me' })).statusCode).toBe(401);
    const forged = await issueToken({ secret: 'another-secret-that-is-32-characters-long!' }, { subject: 'x', role: 'customer' });
    expect((await f.app.inject({ url: '/me', headers: bearer(forged) })).statusCode).toBe(401);
    const expired = await issueToken(JWT, { subject: 'x', role: 'customer' }, 60, new Date(Date.now() - 3_600_000));
    expect((await f.app.inject({ method: 'PATCH', url: '/me', headers: bearer(expired), payload: { displayName: 'x' } })).statusCode).toBe(401);
    const ghost = await issueToken(JWT, { subject: '00000000-0000-4000-8000-000000000000', role: 'customer' });
    const res = await f.app.inject({ url: '/me', headers: bearer(ghost) });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('admin accounts', () => {
  it('are made by ensureAdmin, log in with the admin role, and are idempotent', async () => {
    const email = uniqueEmail('Admin');
    expect(await ensureAdmin(f.pool, { email, password: 'admin password 123' })).toBe('created');
    expect(await ensureAdmin(f.pool, { email, password: 'admin password 123' })).toBe('unchanged');
    const body = (await login(f.app, email, 'admin password 123')).json<LoginBody>();
    expect(body.user.role).toBe('admin');
    expect((await verifyToken(JWT, body.accessToken)).role).toBe('admin');
    // A changed configured password replaces the old one.
    expect(await ensureAdmin(f.pool, { email, password: 'new admin password 456' })).toBe('updated');
    expect((await login(f.app, email, 'admin password 123')).statusCode).toBe(401);
    expect((await login(f.app, email, 'new admin password 456')).statusCode).toBe(200);
  });

  it('promote an existing customer', async () => {
    const email = uniqueEmail('promoted');
    await signup(f.app, email, 'customer password');
    expect(await ensureAdmin(f.pool, { email, password: 'promoted admin password' })).toBe('updated');
    expect((await login(f.app, email, 'promoted admin password')).json<LoginBody>().user.role).toBe('admin');
  });
});

describe('logs', () => {
  it('never contain a password, an e-mail address or a hash', async () => {
    const email = uniqueEmail('logcheck');
    const password = 'log-check-password-7f3a';
    await signup(f.app, email, password);
    await signup(f.app, email, password);
    await login(f.app, email, password);
    await login(f.app, email, 'wrong-log-check-password');
    await f.app.inject({ method: 'POST', url: '/signup', payload: { email, password, displayName: 'x', extra: password } });
    const logs = f.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(password);
    expect(logs).not.toContain('wrong-log-check-password');
    expect(logs).not.toContain(email);
    expect(logs).not.toContain('$argon2');
  });
});
