import { randomUUID } from 'node:crypto';
import { withTransaction } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInventory, stockRow, type InventoryFixture } from '../support/inventory-fixture.ts';

let f: InventoryFixture;

beforeAll(async () => {
  f = await startInventory({ replenish: { below: 2, quantity: 10 } });
});
afterAll(() => f?.close());

describe('simulated supplier', () => {
  it('tops up products at or below the mark, leaves the others and never touches reserved units', async () => {
    const [empty, low, fine] = [randomUUID(), randomUUID(), randomUUID()];
    await f.restock(empty, 1);
    await f.restock(low, 5);
    await f.restock(fine, 3);
    const expiresAt = new Date(Date.now() + 600_000);
    await withTransaction(f.pool, (c) => f.app.inventory.reserve(c, { orderId: `o-${empty}`, items: [{ productId: empty, quantity: 1 }], expiresAt }));
    await withTransaction(f.pool, (c) => f.app.inventory.reserve(c, { orderId: `o-${low}`, items: [{ productId: low, quantity: 3 }], expiresAt }));

    expect(await f.app.replenisher.deliver()).toBe(2);
    expect(await stockRow(f.pool, empty)).toEqual({ on_hand: 11, reserved: 1, available: 10 });
    expect(await stockRow(f.pool, low)).toEqual({ on_hand: 15, reserved: 3, available: 12 });
    expect(await stockRow(f.pool, fine)).toEqual({ on_hand: 3, reserved: 0, available: 3 });
    // Nothing is at or below the mark any more.
    expect(await f.app.replenisher.deliver()).toBe(0);
    expect((await f.app.inject({ url: '/metrics' })).body).toMatch(/shop_inventory_units_restocked_total\{[^}]*source="supplier"[^}]*\} 20/);
  });
});
