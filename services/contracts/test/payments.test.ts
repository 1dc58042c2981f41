import { describe, expect, it } from 'vitest';
import { makeEvent, parseEvent, topicFor } from '../src/index.ts';

const now = new Date('2026-11-21T06:00:00.000Z');
const source = '/services/orders';
const commandId = '3f2b8c1e-5d4a-4e6f-8a9b-0c1d2e3f4a5b';
const paymentId = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

describe('payments contracts', () => {
  it('routes commands and replies to their topics', () => {
    expect(topicFor('shop.payments.payment.authorize')).toBe('shop.payments.commands.v1');
    expect(topicFor('shop.payments.payment.capture')).toBe('shop.payments.commands.v1');
    expect(topicFor('shop.payments.payment.void')).toBe('shop.payments.commands.v1');
    expect(topicFor('shop.payments.payment.refund')).toBe('shop.payments.commands.v1');
    for (const type of ['authorized', 'authorization-failed', 'captured', 'capture-failed', 'voided', 'void-failed', 'refunded', 'refund-failed'] as const) {
      expect(topicFor(`shop.payments.payment.${type}`)).toBe('shop.payments.events.v1');
    }
  });

  it('accepts a well-formed authorise command and reply', () => {
    const command = makeEvent('shop.payments.payment.authorize', 'o-1', { orderId: 'o-1', amountCents: 1999, currency: 'EUR', idempotencyKey: 'order-o-1' }, { source, now });
    expect(command.subject).toBe('o-1');
    const reply = makeEvent('shop.payments.payment.authorization-failed', 'o-1', { orderId: 'o-1', commandId, reason: 'psp_unavailable' }, { source, now });
    expect(reply.data.reason).toBe('psp_unavailable');
    expect(makeEvent('shop.payments.payment.voided', 'o-1', { orderId: 'o-1', commandId }, { source, now }).data.paymentId).toBeUndefined();
    expect(makeEvent('shop.payments.payment.captured', 'o-1', { orderId: 'o-1', commandId, paymentId, amountCents: 1, currency: 'EUR' }, { source, now }).type).toBe('shop.payments.payment.captured');
  });

  it.each([
    ['zero amount', { orderId: 'o-1', amountCents: 0, currency: 'EUR', idempotencyKey: 'k' }],
    ['fractional amount', { orderId: 'o-1', amountCents: 1.5, currency: 'EUR', idempotencyKey: 'k' }],
    ['lowercase currency', { orderId: 'o-1', amountCents: 1, currency: 'eur', idempotencyKey: 'k' }],
    ['missing key', { orderId: 'o-1', amountCents: 1, currency: 'EUR' }],
    ['bad key', { orderId: 'o-1', amountCents: 1, currency: 'EUR', idempotencyKey: 'a b' }],
    ['unknown field', { orderId: 'o-1', amountCents: 1, currency: 'EUR', idempotencyKey: 'k', tip: 5 }],
    ['not a card token', { orderId: 'o-1', amountCents: 1, currency: 'EUR', idempotencyKey: 'k', cardToken: '4111' }],
  ])('refuses an authorise command with %s', (_what, data) => {
    const result = parseEvent({ id: commandId, type: 'shop.payments.payment.authorize', source, time: now.toISOString(), subject: 'o-1', data });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe('invalid-payload');
  });

  it('refuses replies without the command id or with a free-text reason', () => {
    const envelope = (data: unknown) => ({ id: paymentId, type: 'shop.payments.payment.authorization-failed', source, time: now.toISOString(), subject: 'o-1', data });
    expect(parseEvent(envelope({ orderId: 'o-1', reason: 'declined' })).ok).toBe(false);
    expect(parseEvent(envelope({ orderId: 'o-1', commandId, reason: 'Card Declined!' })).ok).toBe(false);
    expect(parseEvent(envelope({ orderId: 'o-1', commandId, reason: 'declined' })).ok).toBe(true);
  });

  it('carries a refund command and its replies; a refund reason is machine-readable', () => {
    const refund = makeEvent('shop.payments.payment.refund', 'o-1', { orderId: 'o-1', reason: 'reservation_expired' }, { source, now });
    expect(refund.data).toEqual({ orderId: 'o-1', reason: 'reservation_expired' });
    const refunded = makeEvent('shop.payments.payment.refunded', 'o-1', { orderId: 'o-1', commandId, paymentId, amountCents: 2500, currency: 'EUR' }, { source, now });
    expect(refunded.data.paymentId).toBe(paymentId);
    expect(makeEvent('shop.payments.payment.refund-failed', 'o-1', { orderId: 'o-1', commandId, reason: 'not_captured' }, { source, now }).data.reason).toBe('not_captured');
    const envelope = (data: unknown) => ({ id: commandId, type: 'shop.payments.payment.refund', source, time: now.toISOString(), subject: 'o-1', data });
    expect(parseEvent(envelope({ orderId: 'o-1', reason: 'Because!' })).ok).toBe(false);
    expect(parseEvent(envelope({ orderId: 'o-1' })).ok).toBe(false);
    expect(parseEvent(envelope({ orderId: 'o-1', reason: 'x', amountCents: 5 })).ok).toBe(false);
  });
});
