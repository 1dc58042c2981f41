// Quotes and shipment reads through app.inject against real PostgreSQL.
import { makeEvent } from '@shopwatch/contracts';
import { withTransaction } from '@shopwatch/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShipping, type ShippingFixture } from '../support/shipping-fixture.ts';

let f: ShippingFixture;
beforeAll(async () => {
  f = await startShipping();
});
afterAll(() => f?.close());

const now = () => new Date();
async function createShipment(orderId: string): Promise<string> {
  const command = makeEvent(
    'shop.shipping.shipment.create',
    orderId,
    { orderId, items: [{ productId: 'p', quantity: 1 }], destination: { country: 'FR', postalCode: '75001', city: 'Paris' }, method: 'standard', weightGrams: 1200 },
    { source: '/services/orders', now },
  );
  const result = await withTransaction(f.pool, (client) => f.app.shipping.create(client, command));
  const data = result.value.data as { shipmentId?: string };
  if (!data.shipmentId) throw new Error('not created');
  return data.shipmentId;
}

describe('POST /quotes', () => {
  it('quotes every method for a destination, counting each by method and zone', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/quotes', payload: { destination: { country: 'FR', postalCode: '75001', city: 'Paris' }, weightGrams: 1500 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      country: 'FR',
      zone: 'eu',
      weightGrams: 1500,
      quotes: [
        { method: 'standard', carrier: 'DHL', costCents: 1090 + 120, currency: 'EUR', estimatedDays: { min: 3, max: 6 } },
        { method: 'express', carrier: 'UPS Express', costCents: 2490 + 250, currency: 'EUR', estimatedDays: { min: 1, max: 2 } },
      ],
    });
    expect(await f.metric('shop_shipping_quotes_total', { method: 'express', zone: 'eu' })).toBe(1);
  });

  it('quotes one method when asked', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/quotes', payload: { destination: { country: 'DE', postalCode: '10115', city: 'Berlin' }, weightGrams: 500, method: 'express' } });
    expect(res.json<{ quotes: unknown[] }>().quotes).toHaveLength(1);
  });

  it('answers 422 problems for unsupported destinations and parcels over 70 kg', async () => {
    const nowhere = await f.app.inject({ method: 'POST', url: '/quotes', payload: { destination: { country: 'KP', postalCode: '1000', city: 'Pyongyang' }, weightGrams: 500 } });
    expect(nowhere.statusCode).toBe(422);
    expect(nowhere.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(nowhere.json()).toMatchObject({ reason: 'unsupported_destination', status: 422 });
    const heavy = await f.app.inject({ method: 'POST', url: '/quotes', payload: { destination: { country: 'DE', postalCode: '10115', city: 'Berlin' }, weightGrams: 70_001 } });
    expect(heavy.statusCode).toBe(422);
    expect(heavy.json()).toMatchObject({ reason: 'overweight', errors: [{ field: '/body/weightGrams' }] });
  });
});

describe('GET /shipments', () => {
  it('one shipment with its tracking for any signed-in user; 401 without a token; 404 for an unknown id', async () => {
    const id = await createShipment('order-routes-1');
    const res = await f.app.inject({ method: 'GET', url: `/shipments/${id}`, headers: f.customer });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, orderId: 'order-routes-1', status: 'pending', zone: 'eu', carrier: 'DHL', destination: { country: 'FR', city: 'Paris' }, tracking: [{ status: 'pending' }] });
    expect((await f.app.inject({ method: 'GET', url: `/shipments/${id}` })).statusCode).toBe(401);
    const missing = await f.app.inject({ method: 'GET', url: '/shipments/00000000-0000-4000-8000-000000000000', headers: f.customer });
    expect(missing.statusCode).toBe(404);
  });

  it('lists are for admins: by order, by status, newest first, in keyset pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createShipment(`order-list-${i}`));
    expect((await f.app.inject({ method: 'GET', url: '/shipments', headers: f.customer })).statusCode).toBe(403);
    const byOrder = await f.app.inject({ method: 'GET', url: '/shipments?orderId=order-list-3', headers: f.admin });
    expect(byOrder.json<{ items: { id: string }[] }>().items.map((s) => s.id)).toEqual([ids[3]]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/shipments?status=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await f.app.inject({ method: 'GET', url, headers: f.admin })).json<{ items: { id: string }[]; nextCursor: string | null }>();
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    // Newest first; shipments created in the same millisecond are ordered by id.
    const expected = (await f.pool.query<{ id: string }>("SELECT id FROM shipments WHERE status = 'pending' ORDER BY created_at DESC, id DESC")).rows.map((r) => r.id);
    expect(seen).toEqual(expected);
    expect(seen).toEqual(expect.arrayContaining(ids));
  });
});
