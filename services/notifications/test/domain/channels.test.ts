import { describe, expect, it } from 'vitest';
import { CHANNELS_BY_EVENT, channelsFor, isNotifying, renderMessage, templateFor } from '../../src/domain/channels.ts';
import { afterAttempt, retryDelay } from '../../src/domain/retry.ts';

describe('channel table', () => {
  it('notifies order and shipment milestones on their channels, and nothing else', () => {
    expect(channelsFor('shop.orders.order.placed')).toEqual(['email']);
    expect(channelsFor('shop.orders.order.confirmed')).toEqual(['email', 'push']);
    expect(channelsFor('shop.orders.order.cancelled')).toEqual(['email', 'sms', 'push']);
    expect(channelsFor('shop.shipping.shipment.dispatched')).toEqual(['email', 'push']);
    expect(channelsFor('shop.shipping.shipment.delivered')).toEqual(['email', 'sms', 'push']);
    for (const quiet of ['shop.shipping.shipment.in-transit', 'shop.shipping.shipment.created', 'shop.payments.payment.authorized', 'toString', '__proto__']) {
      expect(channelsFor(quiet), quiet).toEqual([]);
      expect(isNotifying(quiet), quiet).toBe(false);
    }
    expect(Object.values(CHANNELS_BY_EVENT).every((channels) => channels.includes('email'))).toBe(true);
  });

  it('names templates after the milestone', () => {
    expect(templateFor('shop.orders.order.placed')).toBe('order_placed');
    expect(templateFor('shop.shipping.shipment.delivered')).toBe('shipment_delivered');
  });

  it('renders messages from the event, short on sms and push', () => {
    const data = { orderId: 'o-1', userId: 'u-1', totalCents: 4250, currency: 'EUR', reason: 'declined' };
    expect(renderMessage('shop.orders.order.placed', data, 'email')).toBe('We received your order o-1 (42.50 EUR). We will confirm it shortly.');
    expect(renderMessage('shop.orders.order.cancelled', data, 'email')).toContain('(declined)');
    expect(renderMessage('shop.orders.order.cancelled', data, 'sms')).toBe('Order o-1 was cancelled.');
    expect(renderMessage('shop.shipping.shipment.dispatched', { orderId: 'o-1', carrier: 'DHL', method: 'express' }, 'email')).toContain('DHL (express)');
    expect(renderMessage('shop.shipping.shipment.delivered', { orderId: 'o-1' }, 'push')).toBe('Order o-1 was delivered.');
  });
});

describe('retries', () => {
  const settings = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 1_000 };

  it('backs off exponentially with equal jitter, capped', () => {
    expect(retryDelay(1, settings, 0)).toBe(50);
    expect(retryDelay(1, settings, 0.999999)).toBe(100);
    expect(retryDelay(2, settings, 0)).toBe(100);
    expect(retryDelay(3, settings, 0)).toBe(200);
    expect(retryDelay(10, settings, 0)).toBe(500);
    expect(retryDelay(10, settings, 0.999999)).toBe(1_000);
  });

  it('sends, retries until the last attempt, then dead-letters', () => {
    expect(afterAttempt(true, 4, settings, 0.5)).toEqual({ action: 'sent' });
    expect(afterAttempt(false, 1, settings, 0)).toEqual({ action: 'retry', delayMs: 50 });
    expect(afterAttempt(false, 3, settings, 0)).toEqual({ action: 'retry', delayMs: 200 });
    expect(afterAttempt(false, 4, settings, 0)).toEqual({ action: 'dead-letter' });
    expect(afterAttempt(false, 1, { ...settings, maxAttempts: 1 }, 0)).toEqual({ action: 'dead-letter' });
  });
});
