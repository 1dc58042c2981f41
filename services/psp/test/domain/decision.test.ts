import { describe, expect, it } from 'vitest';
import { decide, fingerprint, transition } from '../../src/domain/decision.ts';

const never = () => 0.99;

describe('decide', () => {
  it('approves ordinary tokens and declines the test decline tokens with their code', () => {
    expect(decide({ cardToken: 'tok_visa', attempt: 1, declineRate: 0, random: never })).toEqual({ kind: 'approve' });
    expect(decide({ cardToken: 'tok_decline', attempt: 1, declineRate: 0, random: never })).toEqual({ kind: 'decline', code: 'card_declined' });
    expect(decide({ cardToken: 'tok_insufficient_funds', attempt: 3, declineRate: 0, random: never })).toEqual({ kind: 'decline', code: 'insufficient_funds' });
  });

  it('fails tok_error always and tok_fail_once only on the first attempt', () => {
    expect(decide({ cardToken: 'tok_error', attempt: 2, declineRate: 0, random: never })).toEqual({ kind: 'error' });
    expect(decide({ cardToken: 'tok_fail_once', attempt: 1, declineRate: 0, random: never })).toEqual({ kind: 'error' });
    expect(decide({ cardToken: 'tok_fail_once', attempt: 2, declineRate: 0, random: never })).toEqual({ kind: 'approve' });
  });

  it('declines a share of approvals when the decline knob is set', () => {
    expect(decide({ cardToken: 'tok_visa', attempt: 1, declineRate: 0.5, random: () => 0.2 })).toEqual({ kind: 'decline', code: 'do_not_honor' });
    expect(decide({ cardToken: 'tok_visa', attempt: 1, declineRate: 0.5, random: () => 0.7 })).toEqual({ kind: 'approve' });
  });

  it('does not treat inherited object keys as test tokens', () => {
    expect(decide({ cardToken: 'toString', attempt: 1, declineRate: 0, random: never })).toEqual({ kind: 'approve' });
  });
});

describe('fingerprint and transition', () => {
  it('tells requests apart by amount, currency, token and reference', () => {
    const base = { amountCents: 100, currency: 'EUR', cardToken: 'tok_visa' };
    expect(fingerprint(base)).toBe(fingerprint({ ...base }));
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, amountCents: 101 }));
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, reference: 'o-1' }));
  });

  it('captures or voids an authorisation once, repeats are no-ops, other moves are refused', () => {
    expect(transition('authorized', 'capture')).toEqual({ ok: true, next: 'captured', changed: true });
    expect(transition('captured', 'capture')).toEqual({ ok: true, next: 'captured', changed: false });
    expect(transition('voided', 'void')).toEqual({ ok: true, next: 'voided', changed: false });
    expect(transition('captured', 'void')).toEqual({ ok: false, code: 'already_captured' });
    expect(transition('voided', 'capture')).toEqual({ ok: false, code: 'already_voided' });
    expect(transition('declined', 'capture')).toEqual({ ok: false, code: 'declined' });
  });

  it('refunds only a capture, once; a refunded authorisation cannot be captured or voided', () => {
    expect(transition('captured', 'refund')).toEqual({ ok: true, next: 'refunded', changed: true });
    expect(transition('refunded', 'refund')).toEqual({ ok: true, next: 'refunded', changed: false });
    expect(transition('authorized', 'refund')).toEqual({ ok: false, code: 'not_captured' });
    expect(transition('voided', 'refund')).toEqual({ ok: false, code: 'already_voided' });
    expect(transition('declined', 'refund')).toEqual({ ok: false, code: 'declined' });
    expect(transition('refunded', 'capture')).toEqual({ ok: false, code: 'already_refunded' });
    expect(transition('refunded', 'void')).toEqual({ ok: false, code: 'already_refunded' });
  });
});
