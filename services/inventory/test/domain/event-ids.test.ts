import { describe, expect, it } from 'vitest';
import { expiryEventId, replyEventId } from '../../src/domain/event-ids.ts';

describe('name-based event ids', () => {
  it('gives one command one reply id per reply type, and different commands different ids', () => {
    const command = '0f1e2d3c-4b5a-4697-8877-665544332211';
    expect(replyEventId(command, 'shop.inventory.stock.reserved')).toBe(replyEventId(command, 'shop.inventory.stock.reserved'));
    expect(replyEventId(command, 'shop.inventory.stock.reserved')).not.toBe(replyEventId(command, 'shop.inventory.stock.reservation-failed'));
    expect(replyEventId(command, 'shop.inventory.stock.reserved')).not.toBe(replyEventId('1f1e2d3c-4b5a-4697-8877-665544332211', 'shop.inventory.stock.reserved'));
    expect(expiryEventId('order-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
