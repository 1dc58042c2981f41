// The progress ticker is safe with replicas: several tickers over the same database (as several
// pods would run them) move every due shipment exactly one step per due time, never twice, and
// write exactly one fact per step.
import { makeEvent } from '@shopwatch/contracts';
import { createLogger, withTransaction } from '@shopwatch/platform';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProgressTicker } from '../../src/plugins/progress-ticker.ts';
import { count, startShipping, type ShippingFixture } from '../support/shipping-fixture.ts';

const SHIPMENTS = 60;
let f: ShippingFixture;
beforeAll(async () => {
  // Stages of 0 ms: every step is due as soon as the previous one is taken.
  f = await startShipping({ durations: { dispatchMs: 0, inTransitMs: 0, deliverMs: 0, expressFactor: 1, jitter: 0 } });
});
afterAll(() => f?.close());

it('three tickers racing move each of 60 shipments through every step exactly once', async () => {
  const now = () => new Date();
  for (let i = 0; i < SHIPMENTS; i++) {
    const orderId = `order-replica-${i}`;
    const create = makeEvent(
      'shop.shipping.shipment.create',
      orderId,
      { orderId, items: [{ productId: 'p', quantity: 1 }], destination: { country: 'DE', postalCode: '10115', city: 'Berlin' }, method: 'standard', weightGrams: 500 },
      { source: '/test', now },
    );
    const created = await withTransaction(f.pool, (client) => f.app.shipping.create(client, create));
    const shipmentId = (created.value.data as { shipmentId: string }).shipmentId;
    const confirmed = makeEvent('shop.orders.order.confirmed', orderId, { orderId, userId: 'u', totalCents: 1, currency: 'EUR', paymentId: crypto.randomUUID(), shipmentId, checkoutSeconds: 1 }, { source: '/test', now });
    await withTransaction(f.pool, (client) => f.app.shipping.orderConfirmed(client, confirmed));
  }
  const logger = createLogger({ service: 'shipping', level: 'silent' });
  // Batches of 7 so the tickers interleave across many transactions.
  const tickers = [0, 1, 2].map(() => new ProgressTicker({ pool: f.pool, operations: f.app.shipping, logger, batchSize: 7 }));
  for (let round = 0; round < 10 && (await count(f.pool, "SELECT count(*) AS n FROM shipments WHERE status <> 'delivered'")) > 0; round++) {
    await Promise.all(tickers.map((t) => t.tick()));
  }
  expect(await count(f.pool, "SELECT count(*) AS n FROM shipments WHERE status = 'delivered'")).toBe(SHIPMENTS);
  const perStep = await f.pool.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM shipment_tracking GROUP BY status ORDER BY status');
  expect(Object.fromEntries(perStep.rows.map((r) => [r.status, Number(r.n)]))).toEqual({ pending: SHIPMENTS, dispatched: SHIPMENTS, in_transit: SHIPMENTS, delivered: SHIPMENTS });
  for (const type of ['shop.shipping.shipment.dispatched', 'shop.shipping.shipment.in-transit', 'shop.shipping.shipment.delivered']) {
    expect(await count(f.pool, 'SELECT count(*) AS n FROM outbox WHERE event_type = $1', [type]), type).toBe(SHIPMENTS);
  }
  expect(await f.metric('shop_shipment_transitions_total')).toBe(3 * SHIPMENTS);
});
