import { describe, expect, it } from 'vitest';
import { expiryEventId, nameBasedUuid, replyEventId } from '../../src/domain/event-ids.ts';

describe('name-based event ids', () => {
  it('matches the RFC 9562 version-5 test vector', () => {
    // DNS namespace, name "www.example.com" (RFC 9562 appendix A.4).
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives one command one reply id per reply type, and different commands different ids', () => {
    const command = '0f1e2d3c-4b5a-4697-8877-665544332211';
    expect(replyEventId(command, 'shop.inventory.stock.reserved')).toBe(replyEventId(command, 'shop.inventory.stock.reserved'));
    expect(replyEventId(command, 'shop.inventory.stock.reserved')).not.toBe(replyEventId(command, 'shop.inventory.stock.reservation-failed'));
    expect(replyEventId(command, 'shop.inventory.stock.reserved')).not.toBe(replyEventId('1f1e2d3c-4b5a-4697-8877-665544332211', 'shop.inventory.stock.reserved'));
    expect(expiryEventId('order-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
