// PostgreSQL access for every service: one pool per process, a transaction helper that always
// releases its client, and a readiness probe. Services never create pg clients themselves.
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: the pool itself or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export interface PoolOptions {
  connectionString: string;
  /** Pool size; services are I/O bound, a small pool per replica is enough. */
  max?: number;
  /** Name shown in pg_stat_activity, so a DBA can tell services apart. */
  applicationName?: string;
  /** Per-statement timeout in ms (a slow query must not hold a request forever). */
  statementTimeoutMs?: number;
}

export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'shopwatch',
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client erroring (server restart) must not crash the process; the pool drops it
  // and the next checkout reconnects. Readiness reports the outage meanwhile.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` in a transaction on one client: COMMIT when it resolves, ROLLBACK when it throws.
 * The client is released either way (destroyed if the connection itself broke).
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection that breaks while no statement is running (a PostgreSQL restart while the work
  // awaits other I/O, e.g. Kafka) is reported by pg as an 'error' event on the client; unheard,
  // it is an uncaught exception that ends the process. Heard, the next statement fails instead,
  // the transaction rejects, and the client is destroyed rather than returned to the pool.
  const onConnectionError = (error: Error) => {
    broken = error;
  };
  client.on('error', onConnectionError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.off('error', onConnectionError);
    client.release(broken);
  }
}

/** Cheap liveness query used by /readyz. */
export async function pingDatabase(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}

/** PostgreSQL SQLSTATE of an error, if it came from the server. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
