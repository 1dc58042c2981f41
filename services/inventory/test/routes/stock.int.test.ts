import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, outboxPayloads, startInventory, stockRow, type InventoryFixture } from '../support/inventory-fixture.ts';

let f: InventoryFixture;

beforeAll(async () => {
  f = await startInventory({ lowStockThreshold: 5 });
});
afterAll(() => f?.close());

const reserve = (orderId: string, items: Array<{ productId: string; quantity: number }>, expiresAt?: string) =>
  f.app.inject({ method: 'POST', url: '/reservations', headers: f.admin, payload: { orderId, items, ...(expiresAt ? { expiresAt } : {}) } });
const release = (orderId: string, reason = 'payment_declined') =>
  f.app.inject({ method: 'POST', url: `/reservations/${orderId}/release`, headers: f.admin, payload: { reason } });
const commit = (orderId: string) => f.app.inject({ method: 'POST', url: `/reservations/${orderId}/commit`, headers: f.admin });

describe('stock levels', () => {
  it('restocks (admin), then reads one product and a batch publicly', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const missing = randomUUID();
    expect((await f.app.inject({ url: `/stock/${a}` })).statusCode).toBe(404);
    expect(await f.restock(a, 7)).toMatchObject({ productId: a, onHand: 7, reserved: 0, available: 7, lowStockThreshold: 5, low: false });
    expect(await f.restock(a, 3, 2)).toMatchObject({ onHand: 10, available: 10, lowStockThreshold: 2 });
    await f.restock(b, 1);
    const one = await f.app.inject({ url: `/stock/${a}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ productId: a, onHand: 10, available: 10 });
    const batch = await f.app.inject({ url: `/stock?productIds=${a},${b.toUpperCase()},${missing},${a}` });
    expect(batch.statusCode).toBe(200);
    const body = batch.json<{ items: Array<{ productId: string; available: number; low: boolean }>; unknown: string[] }>();
    expect(body.items.map((i) => i.productId).sort()).toEqual([a, b].sort());
    expect(body.items.find((i) => i.productId === b)).toMatchObject({ available: 1, low: true });
    expect(body.unknown).toEqual([missing]);
  });

  it('refuses restocks without an admin token', async () => {
    const id = randomUUID();
    const none = await f.app.inject({ method: 'POST', url: `/stock/${id}/restock`, payload: { quantity: 1 } });
    expect(none.statusCode).toBe(401);
    const customer = await f.app.inject({ method: 'POST', url: `/stock/${id}/restock`, headers: { authorization: `Bearer ${f.customerToken}` }, payload: { quantity: 1 } });
    expect(customer.statusCode).toBe(403);
    expect(customer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await count(f.pool, 'SELECT count(*) AS n FROM stock WHERE product_id = $1', [id])).toBe(0);
  });

  it('refuses a restock past the per-product maximum with 422 and keeps the stock', async () => {
    const id = randomUUID();
    await f.restock(id, 1_000_000);
    await f.pool.query('UPDATE stock SET on_hand = 999999999 WHERE product_id = $1', [id]);
    const res = await f.app.inject({ method: 'POST', url: `/stock/${id}/restock`, headers: f.admin, payload: { quantity: 2 } });
    expect(res.statusCode).toBe(422);
    expect((await stockRow(f.pool, id)).on_hand).toBe(999_999_999);
  });

  it('cannot go negative or oversell even when code bypasses the rules (CHECK constraints)', async () => {
    const id = randomUUID();
    await f.restock(id, 3);
    await expect(f.pool.query('UPDATE stock SET reserved = 4 WHERE product_id = $1', [id])).rejects.toThrow(/stock_reserved_within_on_hand/);
    await expect(f.pool.query('UPDATE stock SET on_hand = -1, reserved = 0 WHERE product_id = $1', [id])).rejects.toThrow(/stock_on_hand_not_negative/);
    await expect(f.pool.query('UPDATE stock SET reserved = -1 WHERE product_id = $1', [id])).rejects.toThrow(/stock_reserved_not_negative/);
    expect(await stockRow(f.pool, id)).toEqual({ on_hand: 3, reserved: 0, available: 3 });
  });
});

describe('stock count (PUT /stock/:productId)', () => {
  it('sets the counted units, refuses to go below reserved units and signals a downward crossing once', async () => {
    const p = randomUUID();
    const put = (onHand: number, extra: Record<string, unknown> = {}) =>
      f.app.inject({ method: 'PUT', url: `/stock/${p}`, headers: f.admin, payload: { onHand, ...extra } });
    const created = await put(20, { lowStockThreshold: 4 });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ onHand: 20, reserved: 0, available: 20, lowStockThreshold: 4, low: false });
    const order = `order-${randomUUID()}`;
    expect((await reserve(order, [{ productId: p, quantity: 6 }])).statusCode).toBe(201);

    const below = await put(5);
    expect(below.statusCode).toBe(409);
    expect(below.json()).toMatchObject({ reserved: 6, errors: [{ field: '/body/onHand' }] });
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 20, reserved: 6, available: 14 });

    expect((await put(9)).json()).toMatchObject({ onHand: 9, reserved: 6, available: 3, low: true });
    expect((await put(8)).json()).toMatchObject({ available: 2 });
    const lows = (await outboxPayloads(f.pool, 'shop.inventory.stock.low')).filter((e) => e.subject === p);
    expect(lows.map((e) => e.data)).toEqual([{ productId: p, available: 3, threshold: 4 }]);
    expect((await commit(order)).statusCode).toBe(200);
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 2, reserved: 0, available: 2 });
  });

  it('needs an admin token', async () => {
    const p = randomUUID();
    expect((await f.app.inject({ method: 'PUT', url: `/stock/${p}`, payload: { onHand: 1 } })).statusCode).toBe(401);
    expect((await f.app.inject({ method: 'PUT', url: `/stock/${p}`, headers: { authorization: `Bearer ${f.customerToken}` }, payload: { onHand: 1 } })).statusCode).toBe(403);
    expect((await f.app.inject({ url: `/stock/${p}` })).statusCode).toBe(404);
  });
});

describe('reservations over HTTP', () => {
  it('reserves, repeats idempotently, commits once and refuses to release committed stock', async () => {
    const p = randomUUID();
    await f.restock(p, 10);
    const order = `order-${randomUUID()}`;
    const first = await reserve(order, [{ productId: p, quantity: 3 }]);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ orderId: order, status: 'reserved', items: [{ productId: p, quantity: 3 }] });
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 10, reserved: 3, available: 7 });

    const again = await reserve(order, [{ productId: p, quantity: 9 }]);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ items: [{ productId: p, quantity: 3 }] });
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 10, reserved: 3, available: 7 });

    expect((await commit(order)).json()).toMatchObject({ status: 'committed' });
    expect((await commit(order)).statusCode).toBe(200);
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 7, reserved: 0, available: 7 });
    expect((await release(order)).json()).toMatchObject({ outcome: 'already_committed' });
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 7, reserved: 0, available: 7 });
  });

  it('releases once; a repeat says so and changes nothing', async () => {
    const p = randomUUID();
    await f.restock(p, 4);
    const order = `order-${randomUUID()}`;
    expect((await reserve(order, [{ productId: p, quantity: 4 }])).statusCode).toBe(201);
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 4, reserved: 4, available: 0 });
    expect((await release(order)).json()).toMatchObject({ outcome: 'released', reservation: { status: 'released', releaseReason: 'payment_declined' } });
    expect((await release(order, 'other_reason')).json()).toMatchObject({ outcome: 'already_released', reservation: { releaseReason: 'payment_declined' } });
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 4, reserved: 0, available: 4 });
    expect((await release(`order-${randomUUID()}`)).json()).toEqual({ outcome: 'not_reserved', reservation: null });
    const committed = await commit(order);
    expect(committed.statusCode).toBe(409);
    expect(committed.json()).toMatchObject({ reason: 'reservation_released' });
    expect((await commit(`order-${randomUUID()}`)).statusCode).toBe(404);
  });

  it('is all or nothing across an order’s items', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await f.restock(a, 5);
    await f.restock(b, 2);
    await f.restock(c, 5);
    const short = await reserve(`order-${randomUUID()}`, [
      { productId: a, quantity: 2 },
      { productId: b, quantity: 3 },
      { productId: c, quantity: 1 },
    ]);
    expect(short.statusCode).toBe(409);
    expect(short.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(short.json()).toMatchObject({ reason: 'out_of_stock', shortfall: [{ productId: b, requested: 3, available: 2 }] });
    for (const id of [a, b, c]) expect((await stockRow(f.pool, id)).reserved).toBe(0);

    const unknown = randomUUID();
    const res = await reserve(`order-${randomUUID()}`, [{ productId: a, quantity: 1 }, { productId: unknown, quantity: 1 }]);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ reason: 'unknown_product', shortfall: [{ productId: unknown, requested: 1, available: 0 }] });
    expect((await stockRow(f.pool, a)).reserved).toBe(0);

    // Lines naming one product twice are merged and checked together (2 + 2 > 2 available... of b).
    const merged = await reserve(`order-${randomUUID()}`, [{ productId: b, quantity: 1 }, { productId: b, quantity: 2 }]);
    expect(merged.json()).toMatchObject({ reason: 'out_of_stock', shortfall: [{ productId: b, requested: 3, available: 2 }] });
    expect(await count(f.pool, 'SELECT count(*) AS n FROM reservation_items WHERE product_id = ANY($1::uuid[])', [[a, b, c]])).toBe(0);
  });

  it('emits one low-stock event per downward crossing of the threshold', async () => {
    const p = randomUUID();
    await f.restock(p, 8); // threshold 5 (service default)
    const lows = async () => (await outboxPayloads(f.pool, 'shop.inventory.stock.low')).filter((e) => e.subject === p);
    const orders: string[] = [];
    const take = async (quantity: number) => {
      const order = `order-${randomUUID()}`;
      orders.push(order);
      expect((await reserve(order, [{ productId: p, quantity }])).statusCode).toBe(201);
    };
    await take(2); // 8 → 6: above
    expect(await lows()).toHaveLength(0);
    await take(1); // 6 → 5: crosses
    expect((await lows()).map((e) => e.data)).toEqual([{ productId: p, available: 5, threshold: 5 }]);
    await take(3); // 5 → 2: still low, no new crossing
    expect(await lows()).toHaveLength(1);
    await release(orders[2]!); // back to 5: still low
    await release(orders[1]!); // back to 6: above again, re-armed
    await take(4); // 6 → 2: crosses again
    expect((await lows()).map((e) => e.data)).toEqual([
      { productId: p, available: 5, threshold: 5 },
      { productId: p, available: 2, threshold: 5 },
    ]);
  });

  it('exposes reservation outcomes and stock-risk gauges without product ids as labels', async () => {
    const res = await f.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const text = res.body;
    expect(text).toMatch(/shop_inventory_reservations_total\{[^}]*outcome="reserved"[^}]*\} [1-9]/);
    expect(text).toMatch(/shop_inventory_reservations_total\{[^}]*outcome="out_of_stock"[^}]*\} [1-9]/);
    expect(text).toMatch(/shop_inventory_products_low_stock\{[^}]*\} [1-9]/);
    expect(text).toMatch(/shop_inventory_available_units\{[^}]*\} [1-9]/);
    expect(text).toMatch(/shop_inventory_reservations_settled_total\{[^}]*outcome="committed"[^}]*\} [1-9]/);
    expect(text).not.toMatch(/product_id=|productId=/);
    const { rows } = await f.pool.query<{ n: string }>("SELECT count(*) AS n FROM stock WHERE available <= COALESCE(low_stock_threshold, 5)");
    expect(text).toContain(`shop_inventory_products_low_stock{service="inventory"} ${rows[0]!.n}`);
  });
});

describe('reservation expiry', () => {
  it('the sweeper releases expired reservations, records the fact and refuses a later commit', async () => {
    const p = randomUUID();
    await f.restock(p, 6);
    const order = `order-${randomUUID()}`;
    const keep = `order-${randomUUID()}`;
    const soon = new Date(f.clock.now().getTime() + 60_000).toISOString();
    const later = new Date(f.clock.now().getTime() + 3_600_000).toISOString();
    expect((await reserve(order, [{ productId: p, quantity: 2 }], soon)).statusCode).toBe(201);
    expect((await reserve(keep, [{ productId: p, quantity: 1 }], later)).statusCode).toBe(201);

    expect(await f.app.reservationSweeper.sweep()).toBe(0);
    expect((await stockRow(f.pool, p)).reserved).toBe(3);
    f.clock.advance(61_000);
    const metricsBefore = (await f.app.inject({ url: '/metrics' })).body;
    expect(metricsBefore).toMatch(/shop_inventory_reservations_overdue\{[^}]*\} [1-9]/);
    expect(await f.app.reservationSweeper.sweep()).toBeGreaterThanOrEqual(1);
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 6, reserved: 1, available: 5 });
    expect((await f.app.inject({ url: `/reservations/${order}`, headers: f.admin })).json()).toMatchObject({ status: 'released', releaseReason: 'expired' });
    expect((await f.app.inject({ url: `/reservations/${keep}`, headers: f.admin })).json()).toMatchObject({ status: 'reserved' });

    const facts = (await outboxPayloads(f.pool, 'shop.inventory.stock.released')).filter((e) => e.subject === order);
    expect(facts.map((e) => e.data)).toEqual([{ orderId: order, reason: 'expired', outcome: 'released', items: [{ productId: p, quantity: 2 }] }]);
    expect(await f.app.reservationSweeper.sweep()).toBe(0);

    const late = await commit(order);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ reason: 'reservation_expired' });
    expect((await reserve(order, [{ productId: p, quantity: 1 }])).json()).toMatchObject({ reason: 'reservation_expired' });
    expect((await f.app.inject({ url: '/metrics' })).body).toMatch(/shop_inventory_reservations_settled_total\{[^}]*outcome="expired"[^}]*\} [1-9]/);
  });
});

describe('demo stock seed', () => {
  it('stocks every demo product once and leaves existing stock alone', async () => {
    const { loadDemoStock } = await import('../../src/seed.ts');
    const { seedCatalog } = await import('@shopwatch/catalog');
    const first = seedCatalog().products[0]!.id;
    await f.restock(first, 1);
    const created = await loadDemoStock(f.pool);
    expect(created).toBe(seedCatalog().products.length - 1);
    expect(await loadDemoStock(f.pool)).toBe(0);
    expect((await stockRow(f.pool, first)).on_hand).toBe(1);
  });
});

describe('faults file', () => {
  it('inventory.slowQueryMs makes every reservation run a slow query while it holds its row locks', async () => {
    const p = randomUUID();
    await f.restock(p, 5);
    f.faults.inventory.slowQueryMs = 300;
    try {
      const started = performance.now();
      // Two orders for the same product: the second waits for the first's locks, so both take ≥ 300 ms
      // and together ≥ 600 ms (pg_sleep never returns early; no upper bound is asserted).
      const [a, b] = await Promise.all([reserve(`order-${randomUUID()}`, [{ productId: p, quantity: 1 }]), reserve(`order-${randomUUID()}`, [{ productId: p, quantity: 1 }])]);
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    } finally {
      f.faults.inventory.slowQueryMs = 0;
    }
    expect(await stockRow(f.pool, p)).toEqual({ on_hand: 5, reserved: 2, available: 3 });
  });
});
