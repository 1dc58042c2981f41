// Repeated failed logins lock an account for a while; the state is in PostgreSQL, so another
// replica sees it, and parallel guesses cannot get more verifications than the limit allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, metric, signup, startUsers, uniqueEmail, type UsersFixture } from '../support/users-fixture.ts';

let f: UsersFixture;
const policy = { maxFailures: 5, lockSeconds: 600 };

beforeAll(async () => {
  f = await startUsers({ lockout: policy });
});
afterAll(() => f?.close());

const logins = (reason: string) => ({ outcome: reason === 'ok' ? 'success' : 'failure', reason });

describe('lockout', () => {
  it('locks after 5 failures with 429 and Retry-After, refuses even the right password, and unlocks after the lock time', async () => {
    const email = uniqueEmail('locked');
    await signup(f.app, email, 'the real password');
    for (let i = 0; i < 5; i++) expect((await login(f.app, email, `wrong ${i}`)).statusCode).toBe(401);

    const locked = await login(f.app, email, 'the real password');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(locked.headers['retry-after']).toBe('600');
    expect(locked.json()).toMatchObject({ type: 'https://shopwatch.dev/problems/account-locked', status: 429, retryAfterSeconds: 600 });

    f.clock.advance(400_000);
    const stillLocked = await login(f.app, email, 'the real password');
    expect(stillLocked.statusCode).toBe(429);
    expect(stillLocked.headers['retry-after']).toBe('200');

    f.clock.advance(200_000);
    expect((await login(f.app, email, 'the real password')).statusCode).toBe(200);
    const { rows } = await f.pool.query('SELECT failed_logins, locked_until FROM users WHERE email = $1', [email]);
    expect(rows[0]).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('resets the count on success, so failures must be in a row', async () => {
    const email = uniqueEmail('reset');
    await signup(f.app, email, 'the real password');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect((await login(f.app, email, 'wrong')).statusCode).toBe(401);
      expect((await login(f.app, email, 'the real password')).statusCode).toBe(200);
    }
  });

  it('counts failures from a fresh start after an expired lock', async () => {
    const email = uniqueEmail('again');
    await signup(f.app, email, 'the real password');
    for (let i = 0; i < 5; i++) await login(f.app, email, 'wrong');
    f.clock.advance(601_000);
    // One failure after the lock expired does not lock again at once.
    expect((await login(f.app, email, 'wrong')).statusCode).toBe(401);
    expect((await login(f.app, email, 'the real password')).statusCode).toBe(200);
  });

  it('holds across replicas: failures on one lock the account on the other', async () => {
    const other = await f.replica();
    const email = uniqueEmail('replica');
    await signup(f.app, email, 'the real password');
    for (let i = 0; i < 3; i++) await login(f.app, email, 'wrong');
    for (let i = 0; i < 2; i++) await login(other, email, 'wrong');
    expect((await login(other, email, 'the real password')).statusCode).toBe(429);
    expect((await login(f.app, email, 'the real password')).statusCode).toBe(429);
  });

  it('lets at most 5 parallel guesses be verified; the rest are refused as locked', async () => {
    const email = uniqueEmail('parallel');
    await signup(f.app, email, 'the real password');
    const bad = await metric(f.app, 'shop_users_logins_total', logins('bad_password'));
    const locked = await metric(f.app, 'shop_users_logins_total', logins('locked'));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => login(f.app, email, `guess ${i}`)));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect(await metric(f.app, 'shop_users_logins_total', logins('bad_password'))).toBe(bad + 5);
    expect(await metric(f.app, 'shop_users_logins_total', logins('locked'))).toBe(locked + 15);
    expect(await metric(f.app, 'shop_users_lockouts_total')).toBeGreaterThanOrEqual(1);
    expect((await login(f.app, email, 'the real password')).statusCode).toBe(429);
  });

  it('does not lock unknown e-mails (there is no account to protect)', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 7; i++) expect((await login(f.app, email, 'whatever')).statusCode).toBe(401);
  });
});
