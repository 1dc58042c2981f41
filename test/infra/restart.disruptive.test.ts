// Stopping and starting a shared program through the testkit helpers the readiness tests use.
// A disruptive test: the `disruptive` vitest project runs it alone, after the integration tests.
import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, infraEnv, infraHealthy, type InfraProgram, startInfra, stopInfra } from '@shopwatch/testkit';

describe('stopping and starting a program', () => {
  it('stops PostgreSQL (connections refused) and starts it again with the data intact', async () => {
    const db = await createTestDatabase('infra restart');
    try {
      const before = new pg.Client({ connectionString: db.url });
      await before.connect();
      await before.query('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$survives a restart$$)');
      await before.end();

      await stopInfra('postgres');
      expect(await infraHealthy('postgres')).toBe(false);
      const refused = new pg.Client({ connectionString: db.url, connectionTimeoutMillis: 2_000 });
      await expect(refused.connect()).rejects.toThrow(/ECONNREFUSED/);

      await startInfra('postgres');
      expect(await infraHealthy('postgres')).toBe(true);
      const after = new pg.Client({ connectionString: db.url });
      await after.connect();
      try {
        const rows = await after.query<{ v: string }>('SELECT v FROM kept');
        expect(rows.rows).toEqual([{ v: 'survives a restart' }]);
      } finally {
        await after.end();
      }
    } finally {
      await startInfra('postgres');
      await db.drop();
    }
  });

  const endpoints: [InfraProgram, () => string][] = [
    ['redis', () => new URL(infraEnv().redisUrl).host],
    ['kafka', () => infraEnv().kafkaBrokers[0] ?? ''],
    ['prometheus', () => new URL(infraEnv().prometheusUrl).host],
  ];
  it.each(endpoints)('stops %s (port closed) and starts it again', async (program, endpoint) => {
    const [host = '', port = ''] = endpoint().split(':');
    try {
      await stopInfra(program);
      expect(await infraHealthy(program)).toBe(false);
      expect(await accepts(host, Number(port))).toBe(false);
      await startInfra(program);
      expect(await infraHealthy(program)).toBe(true);
      expect(await accepts(host, Number(port))).toBe(true);
    } finally {
      await startInfra(program);
    }
  });
});

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
