// An inventory app on a fresh real PostgreSQL database, plus tokens and a controllable clock.
import { createLogger, createPool, issueToken, type App, type Pool } from '@shopwatch/platform';
import { TestClock, createTestDatabase, type TestDatabase } from '@shopwatch/testkit';
import { buildInventoryApp } from '../../src/app.ts';
import { migrateInventory } from '../../src/migrate.ts';
import type { InventoryFaultsFile } from '../../src/schemas/faults.ts';

export const JWT = { secret: 'test-secret-that-is-at-least-32-characters-long' };


export interface InventoryFixture {
  app: App;
  pool: Pool;
  db: TestDatabase;
  clock: TestClock;
  adminToken: string;
  customerToken: string;
  /** Admin headers for app.inject. */
  admin: { authorization: string };
  /** The faults in force; tests change them in place. */
  faults: InventoryFaultsFile;
  /** Restocks `productId` through the API; returns the stock body. */
  restock(productId: string, quantity: number, lowStockThreshold?: number): Promise<unknown>;
  close(): Promise<void>;
}

export async function startInventory(
  options: { poolSize?: number; lowStockThreshold?: number; eventsTopic?: string; replenish?: { below: number; quantity: number } } = {},
): Promise<InventoryFixture> {
  const db = await createTestDatabase('inventory');
  await migrateInventory(db.url);
  const pool = createPool({ connectionString: db.url, max: options.poolSize ?? 5 });
  const clock = new TestClock();
  const faults: InventoryFaultsFile = { http: { latencyMs: 0, errorRate: 0 }, inventory: { slowQueryMs: 0, consumerDelayMs: 0 } };
  const app = await buildInventoryApp({
    faults: { current: () => faults },
    pool,
    logger: createLogger({ service: 'inventory', level: 'silent' }),
    jwt: JWT,
    now: clock.now,
    ...(options.lowStockThreshold !== undefined ? { lowStockThreshold: options.lowStockThreshold } : {}),
    ...(options.eventsTopic ? { eventsTopic: options.eventsTopic } : {}),
    ...(options.replenish ? { replenish: options.replenish } : {}),
  });
  await app.ready();
  const adminToken = await issueToken(JWT, { subject: 'admin-1', role: 'admin' });
  const admin = { authorization: `Bearer ${adminToken}` };
  return {
    app,
    pool,
    db,
    clock,
    faults,
    adminToken,
    admin,
    customerToken: await issueToken(JWT, { subject: 'customer-1', role: 'customer' }),
    async restock(productId, quantity, lowStockThreshold) {
      const res = await app.inject({
        method: 'POST',
        url: `/stock/${productId}/restock`,
        headers: admin,
        payload: lowStockThreshold === undefined ? { quantity } : { quantity, lowStockThreshold },
      });
      if (res.statusCode !== 200) throw new Error(`restock failed: ${res.statusCode} ${res.body}`);
      return res.json();
    },
    async close() {
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}

export async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

export async function stockRow(pool: Pool, productId: string): Promise<{ on_hand: number; reserved: number; available: number }> {
  const { rows } = await pool.query<{ on_hand: number; reserved: number; available: number }>(
    'SELECT on_hand, reserved, available FROM stock WHERE product_id = $1',
    [productId],
  );
  if (!rows[0]) throw new Error(`no stock row for ${productId}`);
  return rows[0];
}

/** Outbox rows of `type` (oldest first), as their payloads. */
export async function outboxPayloads(pool: Pool, type: string): Promise<Array<{ id: string; subject: string; data: Record<string, unknown> }>> {
  const { rows } = await pool.query<{ envelope: { id: string; subject: string; data: Record<string, unknown> } }>(
    'SELECT envelope FROM outbox WHERE event_type = $1 ORDER BY seq',
    [type],
  );
  return rows.map((row) => ({ id: row.envelope.id, subject: row.envelope.subject, data: row.envelope.data }));
}
