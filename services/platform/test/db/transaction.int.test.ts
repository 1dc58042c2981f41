// withTransaction when PostgreSQL drops the connection while the transaction waits on something
// else (the outbox relay holds its transaction open while Kafka acknowledges a batch). The server
// then sends its error outside any query, and pg emits it on the client: without a listener that
// is an uncaught exception, and the whole service exits on a database restart.
import { createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withTransaction, type Pool } from '../../src/index.ts';

let database: TestDatabase;
let pool: Pool;
let admin: Pool;

beforeAll(async () => {
  database = await createTestDatabase('platform-tx');
  pool = createPool({ connectionString: database.url, max: 2, applicationName: 'platform-tx-test' });
  admin = createPool({ connectionString: database.url, max: 1, applicationName: 'platform-tx-admin' });
});
afterAll(async () => {
  await pool?.end();
  await admin?.end();
  await database?.drop();
});

describe('withTransaction', () => {
  it('turns a connection terminated between two statements into a rejected transaction, not a crash', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = withTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // The session is killed from outside while this transaction waits on other I/O.
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await client.query('SELECT 1');
      });
      await expect(outcome).rejects.toThrow();
      expect(uncaught).toEqual([]);
      // The broken client was destroyed, not returned to the pool: the next transaction works.
      await expect(withTransaction(pool, async (client) => (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one)).resolves.toBe(1);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
