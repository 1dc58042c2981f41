import { describe, expect, it } from 'vitest';
import { makeEvent, parseEvent, topicFor } from '../src/index.ts';

const now = new Date('2026-11-21T08:00:00.000Z');
const source = '/services/orders';
const commandId = '3f2b8c1e-5d4a-4e6f-8a9b-0c1d2e3f4a5b';
const shipmentId = '7c1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
const destination = { country: 'DE', postalCode: '10115', city: 'Berlin' };

function payloadRejected(type: string, data: unknown): boolean {
  const result = parseEvent({ id: commandId, type, source, time: now.toISOString(), subject: 'o-1', data });
  return !result.ok && result.reason === 'invalid-payload';
}

describe('shipping contracts', () => {
  it('routes commands and facts to their topics', () => {
    expect(topicFor('shop.shipping.shipment.create')).toBe('shop.shipping.commands.v1');
    expect(topicFor('shop.shipping.shipment.cancel')).toBe('shop.shipping.commands.v1');
    for (const fact of ['created', 'creation-failed', 'cancelled', 'dispatched', 'in-transit', 'delivered'] as const) {
      expect(topicFor(`shop.shipping.shipment.${fact}`)).toBe('shop.shipping.events.v1');
    }
  });

  it('accepts a well-formed create command and its replies', () => {
    const command = makeEvent('shop.shipping.shipment.create', 'o-1', { orderId: 'o-1', items: [{ productId: 'p-1', quantity: 2 }], destination, method: 'standard', weightGrams: 1000 }, { source, now });
    expect(command.subject).toBe('o-1');
    const created = makeEvent('shop.shipping.shipment.created', 'o-1', { orderId: 'o-1', commandId, shipmentId, carrier: 'parcelo', method: 'standard', costCents: 499, currency: 'EUR', estimatedDeliveryAt: now.toISOString() }, { source, now });
    expect(created.data.shipmentId).toBe(shipmentId);
    const cancelled = makeEvent('shop.shipping.shipment.cancelled', 'o-1', { orderId: 'o-1', commandId, outcome: 'not_found' }, { source, now });
    expect(cancelled.data.shipmentId).toBeUndefined();
  });

  it.each([
    ['a lowercase country', { country: 'de', postalCode: '10115', city: 'Berlin' }, 1000],
    ['a street in the postal code', { country: 'DE', postalCode: '10115; DROP', city: 'Berlin' }, 1000],
    ['an extra field (personal data)', { ...destination, name: 'Ada' }, 1000],
    ['zero weight', destination, 0],
    ['a parcel over 70 kg', destination, 70_001],
  ])('refuses a create command with %s', (_what, dest, weightGrams) => {
    expect(payloadRejected('shop.shipping.shipment.create', { orderId: 'o-1', items: [{ productId: 'p-1', quantity: 1 }], destination: dest, method: 'standard', weightGrams })).toBe(true);
  });

  it('refuses an unknown cancel outcome and a method that does not exist', () => {
    expect(payloadRejected('shop.shipping.shipment.cancelled', { orderId: 'o-1', commandId, outcome: 'lost' })).toBe(true);
    expect(payloadRejected('shop.shipping.shipment.create', { orderId: 'o-1', items: [{ productId: 'p-1', quantity: 1 }], destination, method: 'teleport', weightGrams: 5 })).toBe(true);
  });
});

describe('orders contracts', () => {
  it('puts every order milestone on the orders events topic', () => {
    for (const fact of ['placed', 'confirmed', 'cancelled'] as const) {
      expect(topicFor(`shop.orders.order.${fact}`)).toBe('shop.orders.events.v1');
    }
  });

  it('carries the failed step and a machine-readable reason on cancellation', () => {
    const event = makeEvent('shop.orders.order.cancelled', 'o-1', { orderId: 'o-1', userId: 'u-1', reason: 'out_of_stock', failedStep: 'reserve_stock', totalCents: 1999, currency: 'EUR' }, { source, now });
    expect(event.data.failedStep).toBe('reserve_stock');
    expect(payloadRejected('shop.orders.order.cancelled', { ...event.data, reason: 'Out of stock!' })).toBe(true);
    expect(payloadRejected('shop.orders.order.cancelled', { ...event.data, failedStep: 'ship_it' })).toBe(true);
  });

  it('refuses a placed order with a fractional price or no items', () => {
    const base = { orderId: 'o-1', userId: 'u-1', totalCents: 100, currency: 'EUR' };
    expect(payloadRejected('shop.orders.order.placed', { ...base, items: [{ productId: 'p', quantity: 1, unitPriceCents: 9.99 }] })).toBe(true);
    expect(payloadRejected('shop.orders.order.placed', { ...base, items: [] })).toBe(true);
    expect(makeEvent('shop.orders.order.placed', 'o-1', { ...base, items: [{ productId: 'p', quantity: 1, unitPriceCents: 100 }] }, { source, now }).data.totalCents).toBe(100);
  });
});
