import { describe, expect, it } from 'vitest';
import { captureDecision, currencyLabel, failureReason, needsPspAuthorization, refundDecision, replyEventId, requestFingerprint, voidDecision, waitOutPspOutage } from '../../src/domain/payment.ts';

describe('replyEventId', () => {
  it('is a stable version-5-layout UUID per command and differs between commands', () => {
    const a = replyEventId('3f2b8c1e-5d4a-4e6f-8a9b-0c1d2e3f4a5b');
    expect(a).toBe(replyEventId('3f2b8c1e-5d4a-4e6f-8a9b-0c1d2e3f4a5b'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(replyEventId('9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d')).not.toBe(a);
  });
});

describe('authorisation under an existing key', () => {
  it('asks psp again only for pending payments and transient failures', () => {
    expect(needsPspAuthorization('pending', null)).toBe(true);
    expect(needsPspAuthorization('failed', 'psp_unavailable')).toBe(true);
    expect(needsPspAuthorization('failed', 'timeout')).toBe(true);
    expect(needsPspAuthorization('failed', 'invalid_amount')).toBe(false);
    for (const status of ['authorized', 'declined', 'captured', 'voided'] as const) expect(needsPspAuthorization(status, null)).toBe(false);
  });

  it('fingerprints the request, so a key reused for another amount, card or order is told apart', () => {
    const base = { amountCents: 100, currency: 'EUR', cardToken: 'tok_visa', orderId: 'o-1' };
    expect(requestFingerprint(base)).toBe(requestFingerprint({ ...base }));
    for (const change of [{ amountCents: 101 }, { currency: 'USD' }, { cardToken: 'tok_other' }, { orderId: 'o-2' }]) {
      expect(requestFingerprint({ ...base, ...change })).not.toBe(requestFingerprint(base));
    }
  });
});

describe('capture and void decisions', () => {
  it('captures authorised payments, repeats are no-ops, others are refused', () => {
    expect(captureDecision('authorized')).toEqual({ action: 'call-psp' });
    expect(captureDecision('captured')).toEqual({ action: 'done' });
    for (const status of ['pending', 'declined', 'failed', 'voided'] as const) expect(captureDecision(status)).toEqual({ action: 'refuse', reason: 'not_authorized' });
  });

  it('voids authorised payments at psp, closes unsettled ones locally, refuses captured ones', () => {
    expect(voidDecision('authorized')).toEqual({ action: 'call-psp' });
    expect(voidDecision('voided')).toEqual({ action: 'done' });
    expect(voidDecision('declined')).toEqual({ action: 'done' });
    expect(voidDecision('pending')).toEqual({ action: 'settle-locally' });
    expect(voidDecision('failed')).toEqual({ action: 'settle-locally' });
    expect(voidDecision('captured')).toEqual({ action: 'refuse', reason: 'already_captured' });
    expect(voidDecision('refunded')).toEqual({ action: 'done' });
  });

  it('refunds only a capture; a repeat is done; anything never captured is refused as not_captured', () => {
    expect(refundDecision('captured')).toEqual({ action: 'call-psp' });
    expect(refundDecision('refunded')).toEqual({ action: 'done' });
    for (const status of ['pending', 'authorized', 'declined', 'failed', 'voided'] as const) {
      expect(refundDecision(status)).toEqual({ action: 'refuse', reason: 'not_captured' });
    }
    expect(failureReason('rejected', 'not_captured')).toBe('not_captured');
  });
});

describe('failure reasons and labels', () => {
  it('maps psp failures to reasons', () => {
    expect(failureReason('unavailable')).toBe('psp_unavailable');
    expect(failureReason('timeout')).toBe('timeout');
    expect(failureReason('rejected', 'invalid_amount')).toBe('invalid_amount');
    expect(failureReason('rejected', 'unsupported_currency')).toBe('unsupported_currency');
    expect(failureReason('rejected', 'already_captured')).toBe('already_captured');
    expect(failureReason('rejected', 'anything_else')).toBe('not_authorized');
  });

  it('keeps the currency label bounded', () => {
    expect(currencyLabel('EUR')).toBe('EUR');
    expect(currencyLabel('XAU')).toBe('other');
  });
});

describe('waiting out a psp outage', () => {
  const sent = '2026-12-06T10:00:00.000Z';
  const after = (ms: number) => new Date(Date.parse(sent) + ms);
  it('retries an unreachable or timed-out psp while the command is younger than the grace', () => {
    expect(waitOutPspOutage('psp_unavailable', sent, after(59_999), 60_000)).toBe(true);
    expect(waitOutPspOutage('timeout', sent, after(1_000), 60_000)).toBe(true);
  });
  it('answers once the grace has passed, or at once with no grace', () => {
    expect(waitOutPspOutage('psp_unavailable', sent, after(60_000), 60_000)).toBe(false);
    expect(waitOutPspOutage('psp_unavailable', sent, after(0), 0)).toBe(false);
  });
  it('never waits out an answer psp gave, or a command without a readable time', () => {
    expect(waitOutPspOutage('declined', sent, after(10), 60_000)).toBe(false);
    expect(waitOutPspOutage(null, sent, after(10), 60_000)).toBe(false);
    expect(waitOutPspOutage('psp_unavailable', 'not a time', after(10), 60_000)).toBe(false);
  });
});
