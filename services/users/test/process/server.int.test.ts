// The real process: starts from environment variables, migrates, makes the configured admin,
// serves over a real port, refuses bad configuration with one line, and exits 0 on SIGTERM.
import { verifyToken } from '@shopwatch/platform';
import { createTestDatabase, waitFor, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESS_JWT_SECRET, spawnUsers } from '../support/users-process.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('users-process');
});
afterAll(async () => {
  await db?.drop();
});

describe('users process', () => {
  it('starts, makes the configured admin, serves signup and login, and exits 0 on SIGTERM', async () => {
    const users = await spawnUsers(db.url, { ADMIN_EMAIL: 'Admin@Shop.example', ADMIN_PASSWORD: 'configured admin password' });
    try {
      const admin = await fetch(`${users.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@shop.example', password: 'configured admin password' }),
      });
      expect(admin.status).toBe(200);
      const { accessToken } = (await admin.json()) as { accessToken: string };
      expect((await verifyToken({ secret: PROCESS_JWT_SECRET }, accessToken)).role).toBe('admin');

      const signup = await fetch(`${users.url}/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'shopper@shop.example', password: 'shopper password', displayName: 'Shopper' }),
      });
      expect(signup.status).toBe(201);

      const openapi = (await (await fetch(`${users.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(openapi.paths).sort()).toEqual(['/login', '/me', '/signup']);
      const metrics = await (await fetch(`${users.url}/metrics`)).text();
      expect(metrics).toMatch(/^shop_users_signups_total\{service="users"\} 1$/m);
      expect(metrics).toMatch(/^shop_users_active_sessions\{service="users"\} 1$/m);
    } finally {
      users.child.kill('SIGTERM');
    }
    const exit = await users.exited;
    expect(exit, users.output().slice(-3000)).toEqual({ code: 0, signal: null });
    expect(users.output()).toContain('shutdown complete');
    expect(users.output()).not.toContain('configured admin password');
  });

  it.each([
    [{ ADMIN_EMAIL: 'admin@shop.example' }, 'ADMIN_PASSWORD'],
    [{ LOGIN_MAX_FAILURES: '0' }, 'LOGIN_MAX_FAILURES'],
    [{ PASSWORD_MEMORY_KIB: '1024' }, 'PASSWORD_MEMORY_KIB'],
  ])('refuses to start with %j, naming the variable on one line', async (env, name) => {
    const users = await spawnUsers(db.url, env, { ready: false });
    const exit = await users.exited;
    expect(exit.code).toBe(1);
    const lines = users.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
  });

  it('without a reachable PostgreSQL: stays alive, /readyz names postgres, requests get a 5xx problem', async () => {
    // A database address where nothing listens (the shared PostgreSQL keeps running for others).
    const users = await spawnUsers('postgres://shopwatch:shopwatch@127.0.0.1:1/none', { RUN_MIGRATIONS: 'false' }, { ready: false });
    try {
      const ready = await waitFor('readyz answers', async () => {
        const res = await fetch(`${users.url}/readyz`);
        return res.status === 503 ? ((await res.json()) as { failing: string[] }) : undefined;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      expect(ready.failing).toEqual(['postgres']);
      expect((await fetch(`${users.url}/livez`)).status).toBe(200);
      const login = await fetch(`${users.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@example.com', password: 'whatever' }) });
      expect(login.status).toBeGreaterThanOrEqual(500);
      expect(login.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await login.text()).not.toContain('ECONNREFUSED');
      expect(users.child.exitCode).toBeNull();
    } finally {
      users.child.kill('SIGTERM');
      await users.exited;
    }
  });

  it('refuses to start without DATABASE_URL', async () => {
    const users = await spawnUsers(undefined, {}, { ready: false });
    expect((await users.exited).code).toBe(1);
    expect(users.output().trim()).toBe('invalid configuration: DATABASE_URL is required but not set');
  });
});
