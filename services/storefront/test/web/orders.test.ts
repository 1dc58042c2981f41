import { describe, expect, it } from 'vitest';
import { isTerminal, readOrder, readOrderPage, readQuotes, reasonText } from '../../web/src/lib/orders.ts';

describe('orders', () => {
  it('reads an order with lines', () => {
    const order = readOrder({
      id: 'o-1',
      status: 'cancelled',
      reason: 'out_of_stock',
      failedStep: 'reserve_stock',
      totalCents: 5997,
      currency: 'EUR',
      createdAt: '2026-11-21T08:00:00Z',
      lines: [{ productId: 'p-1', quantity: 3, unitPriceCents: 1999 }, { productId: 'p-2' }],
    });
    expect(order).toEqual({
      id: 'o-1',
      status: 'cancelled',
      reason: 'out_of_stock',
      failedStep: 'reserve_stock',
      step: undefined,
      totalCents: 5997,
      currency: 'EUR',
      createdAt: '2026-11-21T08:00:00Z',
      lines: [{ productId: 'p-1', quantity: 3, unitPriceCents: 1999 }],
    });
    expect(readOrder({ id: 'o-4', status: 'pending', step: 'authorize_payment', reason: null, failedStep: null })).toMatchObject({ step: 'authorize_payment', reason: undefined, failedStep: undefined });
  });
  it('is lenient with missing fields and strict with garbage', () => {
    expect(readOrder({ id: 'o-2' })).toMatchObject({ id: 'o-2', status: 'unknown', totalCents: undefined, currency: 'EUR', lines: [] });
    expect(readOrder({ id: 'o-3', items: [{ productId: 'p', quantity: 1 }] })!.lines).toHaveLength(1);
    expect(readOrder(null)).toBeUndefined();
    expect(readOrder({ status: 'confirmed' })).toBeUndefined();
    expect(readOrder({ id: 'o', totalCents: 1.5 })!.totalCents).toBeUndefined();
  });
  it('reads pages', () => {
    expect(readOrderPage({ items: [{ id: 'a' }, { nope: 1 }], nextCursor: 'c' })).toMatchObject({ orders: [{ id: 'a' }], nextCursor: 'c' });
    expect(readOrderPage([{ id: 'a' }]).orders).toHaveLength(1);
    expect(readOrderPage('x')).toEqual({ orders: [], nextCursor: undefined });
  });
  it('knows terminal states and explains reasons', () => {
    expect(isTerminal('confirmed')).toBe(true);
    expect(isTerminal('cancelled')).toBe(true);
    expect(isTerminal('pending')).toBe(false);
    expect(reasonText('out_of_stock')).toBe('Some items are out of stock.');
    expect(reasonText('psp_unavailable')).toBe('The payment provider is unavailable right now.');
    expect(reasonText('address_rejected')).toBe('Address rejected.');
    expect(reasonText(undefined)).toBe('No reason was given.');
  });
});

describe('readQuotes', () => {
  it("reads shipping's QuoteResponse", () => {
    const answer = {
      country: 'DE',
      zone: 'domestic',
      weightGrams: 1500,
      quotes: [
        { method: 'standard', carrier: 'DHL', costCents: 490, currency: 'EUR', estimatedDays: { min: 2, max: 3 } },
        { method: 'express', carrier: 'UPS', costCents: 1290, currency: 'EUR', estimatedDays: { min: 1, max: 1 } },
      ],
    };
    expect(readQuotes(answer)).toEqual([
      { method: 'standard', priceCents: 490, currency: 'EUR', estimatedDays: '2–3', carrier: 'DHL' },
      { method: 'express', priceCents: 1290, currency: 'EUR', estimatedDays: '1', carrier: 'UPS' },
    ]);
  });
  it('reads the shapes shipping may answer with', () => {
    const quote = { method: 'express', priceCents: 1290, currency: 'EUR', estimatedDaysMin: 1, estimatedDaysMax: 2, carrier: 'DHL' };
    const expected = [{ method: 'express', priceCents: 1290, currency: 'EUR', estimatedDays: '1–2', carrier: 'DHL' }];
    expect(readQuotes(quote)).toEqual(expected);
    expect(readQuotes([quote])).toEqual(expected);
    expect(readQuotes({ quotes: [quote] })).toEqual(expected);
    expect(readQuotes({ items: [quote] })).toEqual(expected);
    expect(readQuotes({ method: 'standard', amountCents: 490, estimatedDays: 3 })).toEqual([{ method: 'standard', priceCents: 490, currency: 'EUR', estimatedDays: '3', carrier: undefined }]);
  });
  it('skips what it cannot read', () => {
    expect(readQuotes({ quotes: [{ method: 'x' }, { priceCents: 5 }, null] })).toEqual([]);
    expect(readQuotes(undefined)).toEqual([]);
  });
});
