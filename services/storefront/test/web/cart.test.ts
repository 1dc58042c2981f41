import { describe, expect, it } from 'vitest';
import {
  addToCart,
  cartTotals,
  EMPTY_CART,
  MAX_LINES,
  MAX_PARCEL_GRAMS,
  MAX_QUANTITY,
  orderItems,
  parcelWeightGrams,
  parseCart,
  removeLine,
  setQuantity,
  type Cart,
  type CartProduct,
} from '../../web/src/lib/cart.ts';

const kettle: CartProduct = { productId: 'p-kettle', name: 'Kettle', unitPriceCents: 2999, currency: 'EUR' };
const mug: CartProduct = { productId: 'p-mug', name: 'Mug', unitPriceCents: 650, currency: 'EUR' };

function cartWith(...entries: Array<[CartProduct, number]>): Cart {
  let cart = EMPTY_CART;
  for (const [p, q] of entries) {
    const result = addToCart(cart, p, q);
    if (!result.ok) throw new Error(result.reason);
    cart = result.cart;
  }
  return cart;
}

describe('cart maths', () => {
  it('adds lines and merges the same product', () => {
    const cart = cartWith([kettle, 1], [mug, 2], [kettle, 2]);
    expect(cart.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ['p-kettle', 3],
      ['p-mug', 2],
    ]);
    expect(cartTotals(cart)).toEqual({ itemCount: 5, subtotals: [{ currency: 'EUR', cents: 3 * 2999 + 2 * 650 }] });
  });

  it('does not change the cart it was given', () => {
    const cart = cartWith([kettle, 1]);
    addToCart(cart, kettle, 1);
    setQuantity(cart, 'p-kettle', 5);
    expect(cart.lines[0]!.quantity).toBe(1);
  });

  it('takes the latest price and name when a product is added again', () => {
    const cart = cartWith([kettle, 1], [{ ...kettle, unitPriceCents: 2499, name: 'Kettle (sale)' }, 1]);
    expect(cart.lines[0]).toEqual({ ...kettle, unitPriceCents: 2499, name: 'Kettle (sale)', quantity: 2 });
  });

  it('clamps quantities and refuses nonsense', () => {
    expect(cartWith([kettle, MAX_QUANTITY], [kettle, 5]).lines[0]!.quantity).toBe(MAX_QUANTITY);
    expect(addToCart(EMPTY_CART, kettle, 0)).toEqual({ ok: false, cart: EMPTY_CART, reason: 'invalid_quantity' });
    expect(addToCart(EMPTY_CART, kettle, -3).ok).toBe(false);
    expect(addToCart(EMPTY_CART, kettle, Number.NaN).ok).toBe(false);
    expect(addToCart(EMPTY_CART, kettle, 2.7).cart.lines[0]!.quantity).toBe(2);
  });

  it('refuses a line beyond the order limit but still merges into existing lines', () => {
    let cart = EMPTY_CART;
    for (let i = 0; i < MAX_LINES; i++) cart = addToCart(cart, { ...mug, productId: `p-${i}` }).cart;
    expect(addToCart(cart, kettle)).toMatchObject({ ok: false, reason: 'too_many_lines' });
    expect(addToCart(cart, { ...mug, productId: 'p-0' }).ok).toBe(true);
  });

  it('sets quantities, removes at zero and removes lines', () => {
    const cart = cartWith([kettle, 1], [mug, 1]);
    expect(setQuantity(cart, 'p-mug', 4).lines[1]!.quantity).toBe(4);
    expect(setQuantity(cart, 'p-mug', 1000).lines[1]!.quantity).toBe(MAX_QUANTITY);
    expect(setQuantity(cart, 'p-mug', 0).lines.map((l) => l.productId)).toEqual(['p-kettle']);
    expect(setQuantity(cart, 'p-mug', -1).lines).toHaveLength(1);
    expect(setQuantity(cart, 'p-mug', Number.NaN)).toBe(cart);
    expect(removeLine(cart, 'p-kettle').lines.map((l) => l.productId)).toEqual(['p-mug']);
    expect(removeLine(cart, 'p-unknown')).toEqual(cart);
  });

  it('keeps subtotals per currency', () => {
    const cart = cartWith([kettle, 1], [{ productId: 'p-usd', name: 'Import', unitPriceCents: 1000, currency: 'USD' }, 2]);
    expect(cartTotals(cart).subtotals).toEqual([
      { currency: 'EUR', cents: 2999 },
      { currency: 'USD', cents: 2000 },
    ]);
    expect(cartTotals(EMPTY_CART)).toEqual({ itemCount: 0, subtotals: [] });
  });

  it('sends ids and quantities only, never prices', () => {
    expect(orderItems(cartWith([kettle, 2], [mug, 1]))).toEqual([
      { productId: 'p-kettle', quantity: 2 },
      { productId: 'p-mug', quantity: 1 },
    ]);
  });

  it('weighs the parcel like orders does, within the carrier limit', () => {
    expect(parcelWeightGrams(cartWith([kettle, 2], [mug, 1]))).toBe(1500);
    expect(parcelWeightGrams(EMPTY_CART)).toBe(1);
    let heavy = EMPTY_CART;
    for (let i = 0; i < 3; i++) heavy = addToCart(heavy, { ...mug, productId: `h-${i}` }, MAX_QUANTITY).cart;
    expect(parcelWeightGrams(heavy)).toBe(MAX_PARCEL_GRAMS);
  });
});

describe('parseCart (whatever local storage holds)', () => {
  it('round-trips a cart', () => {
    const cart = cartWith([kettle, 2], [mug, 1]);
    expect(parseCart(JSON.stringify(cart))).toEqual(cart);
  });
  it.each([null, '', 'not json', '42', '[]', '{"lines":"x"}', '{"lines":null}'])('reads %s as empty', (stored) => {
    expect(parseCart(stored)).toEqual(EMPTY_CART);
  });
  it('drops malformed and duplicate lines and clamps quantities', () => {
    const stored = JSON.stringify({
      lines: [
        { ...kettle, quantity: 500 },
        { ...kettle, quantity: 1 },
        { ...mug, quantity: 0 },
        { ...mug, unitPriceCents: -1, quantity: 1 },
        { ...mug, unitPriceCents: 1.5, quantity: 1 },
        { ...mug, currency: 'euro', quantity: 1 },
        { productId: 'x', quantity: 1 },
        null,
        'line',
        { ...mug, quantity: 2 },
      ],
    });
    expect(parseCart(stored).lines).toEqual([
      { ...kettle, quantity: MAX_QUANTITY },
      { ...mug, quantity: 2 },
    ]);
  });
});
