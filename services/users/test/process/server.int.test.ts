// The real process: starts from environment variables, migrates, makes the configured admin,
// serves over a real port, refuses bad configuration with one line, and exits 0 on SIGTERM.
import { verifyToken } from '@shopwatch/platform';
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
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
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
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

  it('refuses to start without DATABASE_URL', async () => {
    const users = await spawnUsers(undefined, {}, { ready: false });
    expect((await users.exited).code).toBe(1);
    expect(users.output().trim()).toBe('invalid configuration: DATABASE_URL is required but not set');
  });
});
