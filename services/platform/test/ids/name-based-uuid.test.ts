import { describe, expect, it } from 'vitest';
import { nameBasedUuid, replyEventId } from '../../src/ids/name-based-uuid.ts';

const NS = '6f1c7a52-3d0e-4b8a-9c5e-2a71d4e0b93f';
const COMMAND = '3f2b8c1e-5d4a-4e6f-8a9b-0c1d2e3f4a5b';
const V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('nameBasedUuid', () => {
  it('matches the RFC 9562 version-5 test vector (DNS namespace, "www.example.com")', () => {
    // RFC 9562 Appendix A.4.
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('is stable for one name and differs between names and namespaces', () => {
    const a = nameBasedUuid(NS, 'a');
    expect(a).toMatch(V5);
    expect(nameBasedUuid(NS, 'a')).toBe(a);
    expect(nameBasedUuid(NS, 'b')).not.toBe(a);
    expect(nameBasedUuid('b7d2e0c4-58a1-4f3e-9a6d-1c0e8f47a2b9', 'a')).not.toBe(a);
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => nameBasedUuid('not-a-uuid', 'a')).toThrow('namespace must be a UUID: not-a-uuid');
    expect(() => nameBasedUuid(`${NS}00`, 'a')).toThrow('namespace must be a UUID');
  });
});

describe('replyEventId', () => {
  it('derives the same id for the same command, another for another command', () => {
    expect(replyEventId(NS, COMMAND)).toBe(replyEventId(NS, COMMAND));
    expect(replyEventId(NS, COMMAND)).toMatch(V5);
    expect(replyEventId(NS, '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d')).not.toBe(replyEventId(NS, COMMAND));
  });

  it('gives each kind of reply to one command its own id', () => {
    expect(replyEventId(NS, COMMAND, 'shop.inventory.stock.reserved')).not.toBe(replyEventId(NS, COMMAND, 'shop.inventory.stock.released'));
    expect(replyEventId(NS, COMMAND, 'shop.inventory.stock.reserved')).not.toBe(replyEventId(NS, COMMAND));
  });

  it('keeps the ids services derived before it existed (reply:<command> and reply:<type>:<command>)', () => {
    expect(replyEventId(NS, COMMAND)).toBe(nameBasedUuid(NS, `reply:${COMMAND}`));
    expect(replyEventId(NS, COMMAND, 'shop.x.y')).toBe(nameBasedUuid(NS, `reply:shop.x.y:${COMMAND}`));
  });
});
