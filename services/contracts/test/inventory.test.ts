import { describe, expect, it } from 'vitest';
import { INVENTORY_COMMANDS_TOPIC, INVENTORY_EVENTS_TOPIC, makeEvent, parseEvent, topicFor } from '../src/index.ts';

const now = new Date('2026-11-21T06:00:00.000Z');
const source = '/services/orders';
const orderId = 'b7d1c1de-2f4c-4c39-9a57-0d0c6f7e1a01';
const commandId = '0f1e2d3c-4b5a-4697-8877-665544332211';

function reserveData(overrides: Record<string, unknown> = {}) {
  return { orderId, items: [{ productId: 'p-1', quantity: 2 }], expiresAt: '2026-11-21T06:15:00.000Z', ...overrides };
}

function reasonOf(raw: unknown): string {
  const result = parseEvent(raw);
  return result.ok ? 'ok' : result.reason;
}

describe('inventory contracts', () => {
  it('routes commands to the commands topic and replies and facts to the events topic', () => {
    expect(topicFor('shop.inventory.stock.reserve')).toBe(INVENTORY_COMMANDS_TOPIC);
    expect(topicFor('shop.inventory.stock.release')).toBe(INVENTORY_COMMANDS_TOPIC);
    expect(topicFor('shop.inventory.stock.commit')).toBe(INVENTORY_COMMANDS_TOPIC);
    for (const type of ['reserved', 'reservation-failed', 'released', 'committed', 'commit-failed', 'low'] as const) {
      expect(topicFor(`shop.inventory.stock.${type}`)).toBe(INVENTORY_EVENTS_TOPIC);
    }
  });

  it('accepts a valid reserve command keyed by the order id', () => {
    const event = makeEvent('shop.inventory.stock.reserve', orderId, reserveData(), { source, now });
    expect(event.subject).toBe(orderId);
    expect(parseEvent(JSON.stringify(event)).ok).toBe(true);
  });

  it.each([
    ['no items', reserveData({ items: [] })],
    ['51 items', reserveData({ items: Array.from({ length: 51 }, (_, i) => ({ productId: `p-${i}`, quantity: 1 })) })],
    ['zero quantity', reserveData({ items: [{ productId: 'p-1', quantity: 0 }] })],
    ['quantity above 1000', reserveData({ items: [{ productId: 'p-1', quantity: 1001 }] })],
    ['fractional quantity', reserveData({ items: [{ productId: 'p-1', quantity: 1.5 }] })],
    ['missing expiresAt', { orderId, items: [{ productId: 'p-1', quantity: 1 }] }],
    ['bad expiresAt', reserveData({ expiresAt: 'tomorrow' })],
    ['unknown field', reserveData({ priority: 'high' })],
  ])('refuses a reserve command with %s', (_what, data) => {
    const event = { id: commandId, type: 'shop.inventory.stock.reserve', source, time: now.toISOString(), subject: orderId, data };
    expect(reasonOf(event)).toBe('invalid-payload');
  });

  it('requires machine-readable reasons and the answered command id on replies', () => {
    const release = (reason: string) => ({ id: commandId, type: 'shop.inventory.stock.release', source, time: now.toISOString(), subject: orderId, data: { orderId, reason } });
    expect(reasonOf(release('payment_declined'))).toBe('ok');
    expect(reasonOf(release('Payment declined'))).toBe('invalid-payload');
    expect(reasonOf(release(''))).toBe('invalid-payload');
    const failed = (data: Record<string, unknown>) => ({ id: commandId, type: 'shop.inventory.stock.reservation-failed', source: '/services/inventory', time: now.toISOString(), subject: orderId, data });
    expect(reasonOf(failed({ orderId, commandId, reason: 'out_of_stock', shortfall: [{ productId: 'p-1', requested: 2, available: 1 }] }))).toBe('ok');
    expect(reasonOf(failed({ orderId, reason: 'out_of_stock', shortfall: [] }))).toBe('invalid-payload');
    expect(reasonOf(failed({ orderId, commandId: 'not-a-uuid', reason: 'out_of_stock', shortfall: [] }))).toBe('invalid-payload');
  });

  it('lets a sweeper release omit the command id', () => {
    const released = makeEvent('shop.inventory.stock.released', orderId, { orderId, reason: 'expired', outcome: 'released', items: [{ productId: 'p-1', quantity: 2 }] }, { source: '/services/inventory', now });
    expect(released.data.commandId).toBeUndefined();
  });
});
