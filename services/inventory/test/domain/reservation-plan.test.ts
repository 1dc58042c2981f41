import { describe, expect, it } from 'vitest';
import { crossedLowStock, isProductId, mergeItems, planReservation, type StockLevel } from '../../src/domain/reservation-plan.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

const levels = (...rows: Array<[string, number, number]>) =>
  new Map<string, StockLevel>(rows.map(([productId, onHand, reserved]) => [productId, { productId, onHand, reserved }]));

describe('mergeItems', () => {
  it('sums lines per product and sorts by product id (the lock order)', () => {
    expect(mergeItems([{ productId: C, quantity: 1 }, { productId: A, quantity: 2 }, { productId: C, quantity: 3 }])).toEqual([
      { productId: A, quantity: 2 },
      { productId: C, quantity: 4 },
    ]);
  });

  it('treats two spellings of one UUID as one product', () => {
    expect(mergeItems([{ productId: A.toUpperCase(), quantity: 1 }, { productId: A, quantity: 1 }])).toEqual([{ productId: A, quantity: 2 }]);
  });
});

describe('planReservation', () => {
  it('reserves everything when every item is available in full', () => {
    expect(planReservation([{ productId: B, quantity: 2 }, { productId: A, quantity: 5 }], levels([A, 5, 0], [B, 10, 8]))).toEqual({
      ok: true,
      items: [{ productId: A, quantity: 5 }, { productId: B, quantity: 2 }],
    });
  });

  it('reserves nothing when one item is short, listing every short item', () => {
    expect(planReservation([{ productId: A, quantity: 1 }, { productId: B, quantity: 3 }, { productId: C, quantity: 2 }], levels([A, 5, 0], [B, 10, 8], [C, 1, 0]))).toEqual({
      ok: false,
      reason: 'out_of_stock',
      shortfall: [
        { productId: B, requested: 3, available: 2 },
        { productId: C, requested: 2, available: 1 },
      ],
    });
  });

  it('counts merged lines against availability together', () => {
    expect(planReservation([{ productId: A, quantity: 2 }, { productId: A, quantity: 2 }], levels([A, 3, 0]))).toMatchObject({ ok: false, shortfall: [{ productId: A, requested: 4, available: 3 }] });
  });

  it('calls an order naming an unknown product unknown_product, even when another item is short', () => {
    expect(planReservation([{ productId: A, quantity: 9 }, { productId: B, quantity: 1 }], levels([A, 1, 0]))).toEqual({
      ok: false,
      reason: 'unknown_product',
      shortfall: [
        { productId: A, requested: 9, available: 1 },
        { productId: B, requested: 1, available: 0 },
      ],
    });
  });
});

describe('crossedLowStock', () => {
  it('fires only when available goes from above the threshold to at or below it', () => {
    expect(crossedLowStock(6, 5, 5)).toBe(true);
    expect(crossedLowStock(10, 0, 5)).toBe(true);
    expect(crossedLowStock(7, 6, 5)).toBe(false);
    expect(crossedLowStock(5, 4, 5)).toBe(false);
    expect(crossedLowStock(1, 0, 0)).toBe(true);
  });
});

describe('isProductId', () => {
  it('accepts UUIDs only', () => {
    expect(isProductId(A)).toBe(true);
    expect(isProductId('sku-1')).toBe(false);
    expect(isProductId(`${A}x`)).toBe(false);
  });
});
