// No oversell under concurrency: many reservations racing for the last units of a product, each
// in its own transaction on its own connection, against the real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReserveOutcome } from '../../src/plugins/stock-store.ts';
import { startInventory, stockRow, type InventoryFixture } from '../support/inventory-fixture.ts';

let f: InventoryFixture;

beforeAll(async () => {
  // 12 connections: up to 12 reservations really run at the same time in the database.
  f = await startInventory({ poolSize: 12 });
});
afterAll(() => f?.close());

/** Samples the product's row while `work` runs; returns the smallest `available` seen and any broken invariant. */
async function watchStock<T>(productId: string, work: () => Promise<T>): Promise<{ result: T; minAvailable: number; violations: string[] }> {
  let done = false;
  let minAvailable = Number.POSITIVE_INFINITY;
  const violations: string[] = [];
  const sampler = (async () => {
    while (!done) {
      const row = await stockRow(f.pool, productId);
      minAvailable = Math.min(minAvailable, row.available);
      if (row.on_hand < 0 || row.reserved < 0 || row.reserved > row.on_hand) violations.push(JSON.stringify(row));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  try {
    return { result: await work(), minAvailable, violations };
  } finally {
    done = true;
    await sampler;
  }
}

describe('concurrent reservations', () => {
  it('50 concurrent reservations of 1 unit for a product with stock 10: exactly 10 succeed, 40 fail with out_of_stock', async () => {
    const p = randomUUID();
    await f.restock(p, 10);
    const expiresAt = new Date(Date.now() + 600_000);
    const { result: outcomes, minAvailable, violations } = await watchStock(p, () =>
      Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          withTransaction(f.pool, (client) => f.app.inventory.reserve(client, { orderId: `race-${i}-${p}`, items: [{ productId: p, quantity: 1 }], expiresAt })),
        ),
      ),
    );
    const reserved = outcomes.filter((o): o is Extract<ReserveOutcome, { status: 'reserved' }> => o.status === 'reserved');
    const failed = outcomes.filter((o): o is Extract<ReserveOutcome, { status: 'failed' }> => o.status === 'failed');
    expect(reserved).toHaveLength(10);
    expect(failed).toHaveLength(40);
    expect(new Set(failed.map((o) => o.reason))).toEqual(new Set(['out_of_stock']));
    expect(violations).toEqual([]);
    expect(minAvailable).toBeGreaterThanOrEqual(0);
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 10, reserved: 10, available: 0 });
    const { rows } = await f.pool.query<{ n: string; units: string }>(
      "SELECT count(*) AS n, sum(i.quantity) AS units FROM reservations r JOIN reservation_items i USING (order_id) WHERE r.status = 'reserved' AND i.product_id = $1",
      [p],
    );
    expect(rows[0]).toEqual({ n: '10', units: '10' });
  });

  it('the same race over HTTP answers 201 ten times and 409 out-of-stock forty times', async () => {
    const p = randomUUID();
    await f.restock(p, 10);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        f.app.inject({ method: 'POST', url: '/reservations', headers: f.admin, payload: { orderId: `http-${i}`, items: [{ productId: p, quantity: 1 }] } }),
      ),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c === 409)).toHaveLength(40);
    expect(responses.filter((r) => r.statusCode === 409).every((r) => r.json<{ reason: string }>().reason === 'out_of_stock')).toBe(true);
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 10, reserved: 10, available: 0 });
  });

  it('multi-item orders naming products in opposite orders neither deadlock nor reserve partially', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [a, b, c]) await f.restock(id, 15);
    const expiresAt = new Date(Date.now() + 600_000);
    const shapes = [
      [a, b, c],
      [c, b, a],
      [b, a, c],
      [c, a, b],
    ];
    // 40 orders of 1 unit of each of three products: only 15 can be served.
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        withTransaction(f.pool, (client) =>
          f.app.inventory.reserve(client, {
            orderId: `multi-${i}-${a}`,
            items: shapes[i % shapes.length]!.map((productId) => ({ productId, quantity: 1 })),
            expiresAt,
          }),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'reserved')).toHaveLength(15);
    for (const id of [a, b, c]) expect(await stockRow(f.pool, id)).toEqual({ on_hand: 15, reserved: 15, available: 0 });
  });

  it('concurrent release, commit and repeat commands for the same orders settle each reservation exactly once', async () => {
    const p = randomUUID();
    await f.restock(p, 20);
    const expiresAt = new Date(Date.now() + 600_000);
    const orders = Array.from({ length: 20 }, (_, i) => `settle-${i}-${p}`);
    for (const orderId of orders) {
      await withTransaction(f.pool, (client) => f.app.inventory.reserve(client, { orderId, items: [{ productId: p, quantity: 1 }], expiresAt }));
    }
    // Even orders: commit twice and release once at the same time; odd orders: release twice.
    await Promise.all(
      orders.flatMap((orderId, i) =>
        (i % 2 === 0 ? ['commit', 'commit', 'release'] : ['release', 'release']).map((action) =>
          withTransaction(f.pool, async (client): Promise<unknown> =>
            action === 'commit' ? f.app.inventory.commit(client, { orderId }) : f.app.inventory.release(client, { orderId, reason: 'test' }),
          ),
        ),
      ),
    );
    const { rows } = await f.pool.query<{ status: string; n: string }>(
      "SELECT status, count(*) AS n FROM reservations WHERE order_id LIKE 'settle-%' GROUP BY status",
    );
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    const committed = byStatus['committed'] ?? 0;
    expect(committed + (byStatus['released'] ?? 0)).toBe(20);
    expect(byStatus['reserved']).toBeUndefined();
    // Committed units left on-hand stock; released ones are available again; nothing is held.
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 20 - committed, reserved: 0, available: 20 - committed });
  });
});
