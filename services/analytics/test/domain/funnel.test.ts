import { makeEvent } from '@shopwatch/contracts';
import { describe, expect, it } from 'vitest';
import {
  aggregate,
  bucketFor,
  CLICK_TYPES,
  conversion,
  hitOfDomainEvent,
  hitsOfClicks,
  minuteOf,
  missingFields,
  stageCount,
  windowStart,
  type Click,
} from '../../src/domain/funnel.ts';
import { ClickType } from '../../src/schemas/events.ts';

const now = new Date('2026-11-21T08:30:42.123Z');
const session = 'session-abc123';

describe('time buckets', () => {
  it('floors to the minute', () => {
    expect(minuteOf(now).toISOString()).toBe('2026-11-21T08:30:00.000Z');
  });

  it('believes a claimed time only within the allowed age and never in the future', () => {
    const hour = 3_600_000;
    expect(bucketFor('2026-11-21T08:10:05Z', now, hour).toISOString()).toBe('2026-11-21T08:10:00.000Z');
    expect(bucketFor('2026-11-21T06:00:00Z', now, hour).toISOString()).toBe('2026-11-21T08:30:00.000Z');
    expect(bucketFor('2026-11-21T09:00:00Z', now, hour).toISOString()).toBe('2026-11-21T08:30:00.000Z');
    expect(bucketFor(undefined, now, hour).toISOString()).toBe('2026-11-21T08:30:00.000Z');
    expect(bucketFor('not a date', now, hour).toISOString()).toBe('2026-11-21T08:30:00.000Z');
  });

  it('a window is its last N minute buckets, the current one included', () => {
    expect(windowStart('1h', now).toISOString()).toBe('2026-11-21T07:31:00.000Z');
    expect(windowStart('24h', now).toISOString()).toBe('2026-11-20T08:31:00.000Z');
  });
});

describe('clicks', () => {
  it('maps click types to stages; other clicks are not funnel stages', () => {
    const clicks: Click[] = [
      { type: 'page_view', sessionId: session },
      { type: 'product_view', sessionId: session, productId: 'p1' },
      { type: 'search', sessionId: session, query: 'kettle', results: 0 },
      { type: 'add_to_cart', sessionId: session, productId: 'p1' },
      { type: 'remove_from_cart', sessionId: session, productId: 'p1' },
      { type: 'checkout_started', sessionId: session },
      { type: 'purchase_completed', sessionId: session },
      { type: 'support_contacted', sessionId: session },
    ];
    expect(hitsOfClicks(clicks, now).map((h) => [h.stage, h.source, h.sessionId])).toEqual([
      ['product_view', 'storefront', session],
      ['add_to_cart', 'storefront', session],
      ['checkout', 'storefront', session],
      ['purchase', 'storefront', session],
    ]);
  });

  it('names the fields a click type needs', () => {
    expect(missingFields([{ type: 'product_view', sessionId: session }, { type: 'page_view', sessionId: session }, { type: 'search', sessionId: session }])).toEqual([
      { index: 0, field: 'productId' },
      { index: 2, field: 'query' },
    ]);
  });

  it('the API schema lists exactly the domain\'s click types', () => {
    expect((ClickType as unknown as { anyOf: Array<{ const: string }> }).anyOf.map((s) => s.const)).toEqual([...CLICK_TYPES]);
  });
});

describe('domain events', () => {
  const source = '/services/orders';
  const clock = () => now;
  it('views, placed, confirmed and cancelled orders are funnel facts, bucketed by the event time', () => {
    const viewed = makeEvent('shop.catalog.product.viewed', 'p1', { productId: 'p1', sessionId: session }, { source: '/services/catalog', now: () => new Date('2026-11-21T08:29:59Z') });
    expect(hitOfDomainEvent(viewed, now)).toEqual({ stage: 'product_view', source: 'domain', minute: new Date('2026-11-21T08:29:00Z'), sessionId: session });
    const order = { orderId: 'o1', userId: 'u1', totalCents: 1999, currency: 'EUR' };
    expect(hitOfDomainEvent(makeEvent('shop.orders.order.placed', 'o1', { ...order, items: [{ productId: 'p1', quantity: 1, unitPriceCents: 1999 }] }, { source, now: clock }), now)?.stage).toBe('checkout');
    expect(
      hitOfDomainEvent(makeEvent('shop.orders.order.confirmed', 'o1', { ...order, paymentId: '3f2b8c1e-5d4a-4e6f-8a9b-0c1d2e3f4a5b', shipmentId: '3f2b8c1e-5d4a-4e6f-8a9b-0c1d2e3f4a5c', checkoutSeconds: 1.5 }, { source, now: clock }), now),
    ).toMatchObject({ stage: 'purchase', source: 'domain' });
    expect(hitOfDomainEvent(makeEvent('shop.orders.order.cancelled', 'o1', { ...order, reason: 'out_of_stock', failedStep: 'reserve_stock' }, { source, now: clock }), now)?.stage).toBe('cancelled');
    expect(hitOfDomainEvent(makeEvent('shop.catalog.product.deleted', 'p1', { productId: 'p1' }, { source: '/services/catalog', now: clock }), now)).toBeUndefined();
  });
});

describe('aggregation and conversion', () => {
  it('sums hits per bucket in one sorted order', () => {
    const m1 = new Date('2026-11-21T08:01:00Z');
    const m0 = new Date('2026-11-21T08:00:00Z');
    const rows = aggregate([
      { stage: 'purchase', source: 'domain', minute: m1 },
      { stage: 'checkout', source: 'storefront', minute: m1 },
      { stage: 'purchase', source: 'domain', minute: m1 },
      { stage: 'purchase', source: 'domain', minute: m0 },
    ]);
    expect(rows.map((r) => [r.minute.toISOString().slice(11, 16), r.stage, r.source, r.events])).toEqual([
      ['08:00', 'purchase', 'domain', 1],
      ['08:01', 'checkout', 'storefront', 1],
      ['08:01', 'purchase', 'domain', 2],
    ]);
  });

  it('a stage counts the larger source; ratios are null when the earlier stage is empty', () => {
    expect(stageCount({ storefront: 3, domain: 5 })).toBe(5);
    expect(conversion({ product_view: 200, add_to_cart: 50, checkout: 20, purchase: 15 })).toEqual({ viewToCart: 0.25, cartToCheckout: 0.4, checkoutToPurchase: 0.75, viewToPurchase: 0.075 });
    expect(conversion({ product_view: 0, add_to_cart: 0, checkout: 3, purchase: 1 })).toEqual({ viewToCart: null, cartToCheckout: null, checkoutToPurchase: 0.3333, viewToPurchase: null });
  });
});
