import { describe, expect, it } from 'vitest';
import { makeEvent, parseEvent, topicFor } from '../src/index.ts';

const now = new Date('2026-11-21T08:00:00.000Z');
const source = '/services/support';
const ticketId = '3f2b8c1e-5d4a-4e6f-8a9b-0c1d2e3f4a5b';

function payloadRejected(type: string, data: unknown): boolean {
  const result = parseEvent({ id: '7c1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', type, source, time: now.toISOString(), subject: ticketId, data });
  return !result.ok && result.reason === 'invalid-payload';
}

describe('support contracts', () => {
  it('puts ticket facts on the support events topic, keyed by ticket', () => {
    expect(topicFor('shop.support.ticket.opened')).toBe('shop.support.events.v1');
    expect(topicFor('shop.support.ticket.resolved')).toBe('shop.support.events.v1');
    const opened = makeEvent('shop.support.ticket.opened', ticketId, { ticketId, userId: 'u-1', category: 'shipping', orderId: 'o-1' }, { source, now: () => now });
    expect(opened.subject).toBe(ticketId);
    const resolved = makeEvent('shop.support.ticket.resolved', ticketId, { ticketId, userId: 'u-1', category: 'shipping', resolvedBy: 'agent', resolutionSeconds: 3600, firstResponseSeconds: 120 }, { source, now: () => now });
    expect(resolved.data.firstResponseSeconds).toBe(120);
  });

  it('refuses unknown categories, message text and negative durations', () => {
    expect(payloadRejected('shop.support.ticket.opened', { ticketId, userId: 'u-1', category: 'complaints' })).toBe(true);
    expect(payloadRejected('shop.support.ticket.opened', { ticketId, userId: 'u-1', category: 'order', message: 'my address is …' })).toBe(true);
    expect(payloadRejected('shop.support.ticket.opened', { ticketId: 'not-a-uuid', userId: 'u-1', category: 'order' })).toBe(true);
    expect(payloadRejected('shop.support.ticket.resolved', { ticketId, userId: 'u-1', category: 'order', resolvedBy: 'bot', resolutionSeconds: 1 })).toBe(true);
    expect(payloadRejected('shop.support.ticket.resolved', { ticketId, userId: 'u-1', category: 'order', resolvedBy: 'agent', resolutionSeconds: -1 })).toBe(true);
  });
});
