import { describe, expect, it } from 'vitest';
import { mergeItems, priceOrder, type CatalogProduct } from '../../src/domain/pricing.ts';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const catalog = (entries: [string, CatalogProduct | undefined][]) => new Map(entries);

describe('mergeItems', () => {
  it('sums quantities of lines naming the same product, first-seen order', () => {
    expect(mergeItems([{ productId: B, quantity: 1 }, { productId: A, quantity: 2 }, { productId: B, quantity: 3 }])).toEqual([
      { productId: B, quantity: 4 },
      { productId: A, quantity: 2 },
    ]);
  });
});

describe('priceOrder', () => {
  const products = catalog([
    [A, { id: A, priceCents: 1999, currency: 'EUR' }],
    [B, { id: B, priceCents: 500, currency: 'EUR' }],
  ]);

  it('uses catalog prices and totals in cents', () => {
    expect(priceOrder([{ productId: A, quantity: 2 }, { productId: B, quantity: 1 }], products)).toEqual({
      ok: true,
      lines: [{ productId: A, quantity: 2, unitPriceCents: 1999 }, { productId: B, quantity: 1, unitPriceCents: 500 }],
      totalCents: 4498,
      currency: 'EUR',
    });
  });

  it('names every unknown product', () => {
    expect(priceOrder([{ productId: A, quantity: 1 }, { productId: B, quantity: 1 }], catalog([[A, undefined], [B, undefined]]))).toEqual({ ok: false, problem: { kind: 'unknown_products', productIds: [A, B] } });
  });

  it('refuses mixed currencies', () => {
    const mixed = catalog([[A, { id: A, priceCents: 1, currency: 'USD' }], [B, { id: B, priceCents: 1, currency: 'EUR' }]]);
    expect(priceOrder([{ productId: A, quantity: 1 }, { productId: B, quantity: 1 }], mixed)).toEqual({ ok: false, problem: { kind: 'mixed_currencies', currencies: ['EUR', 'USD'] } });
  });

  it('refuses a merged quantity over 1000, a total over the payment limit, and a zero total', () => {
    expect(priceOrder([{ productId: A, quantity: 1001 }], products)).toMatchObject({ ok: false, problem: { kind: 'quantity_too_large' } });
    const dear = catalog([[A, { id: A, priceCents: 100_000_000, currency: 'EUR' }]]);
    expect(priceOrder([{ productId: A, quantity: 1000 }], dear)).toMatchObject({ ok: false, problem: { kind: 'total_too_large' } });
    const free = catalog([[A, { id: A, priceCents: 0, currency: 'EUR' }]]);
    expect(priceOrder([{ productId: A, quantity: 1 }], free)).toEqual({ ok: false, problem: { kind: 'zero_total' } });
  });
});
