// The cart as pure data: what the browser keeps in local storage and what the checkout sends.
// Prices in the cart are for display only; the orders service prices every line itself.

/** Limits of one order (contracts: MAX_RESERVATION_ITEMS lines, MAX_ITEM_QUANTITY per line); the shop asks less per line. */
export const MAX_LINES = 50;
export const MAX_QUANTITY = 99;
/** The weight orders assumes per unit when it books the shipment (for the quote). */
export const GRAMS_PER_UNIT = 500;
export const MAX_PARCEL_GRAMS = 70_000;

export interface CartLine {
  productId: string;
  name: string;
  unitPriceCents: number;
  currency: string;
  quantity: number;
}

export interface Cart {
  lines: CartLine[];
}

export const EMPTY_CART: Cart = { lines: [] };

export type CartProduct = Omit<CartLine, 'quantity'>;

export type AddResult = { ok: true; cart: Cart } | { ok: false; cart: Cart; reason: 'too_many_lines' | 'invalid_quantity' };

function clampQuantity(quantity: number): number {
  return Math.min(MAX_QUANTITY, Math.max(0, Math.trunc(quantity)));
}

export function addToCart(cart: Cart, product: CartProduct, quantity = 1): AddResult {
  if (!Number.isFinite(quantity) || quantity < 1) return { ok: false, cart, reason: 'invalid_quantity' };
  const existing = cart.lines.find((l) => l.productId === product.productId);
  if (existing) {
    return {
      ok: true,
      cart: {
        lines: cart.lines.map((l) =>
          l.productId === product.productId ? { ...product, quantity: clampQuantity(l.quantity + quantity) } : l,
        ),
      },
    };
  }
  if (cart.lines.length >= MAX_LINES) return { ok: false, cart, reason: 'too_many_lines' };
  return { ok: true, cart: { lines: [...cart.lines, { ...product, quantity: clampQuantity(quantity) }] } };
}

/** Sets a line's quantity (clamped to 1…MAX_QUANTITY); 0 or less removes the line. */
export function setQuantity(cart: Cart, productId: string, quantity: number): Cart {
  if (!Number.isFinite(quantity)) return cart;
  const q = clampQuantity(quantity);
  if (q === 0) return removeLine(cart, productId);
  return { lines: cart.lines.map((l) => (l.productId === productId ? { ...l, quantity: q } : l)) };
}

export function removeLine(cart: Cart, productId: string): Cart {
  return { lines: cart.lines.filter((l) => l.productId !== productId) };
}

export interface CartTotals {
  itemCount: number;
  /** Subtotal per currency (one entry in practice; several means the cart cannot be checked out). */
  subtotals: Array<{ currency: string; cents: number }>;
}

export function cartTotals(cart: Cart): CartTotals {
  const byCurrency = new Map<string, number>();
  let itemCount = 0;
  for (const line of cart.lines) {
    itemCount += line.quantity;
    byCurrency.set(line.currency, (byCurrency.get(line.currency) ?? 0) + line.unitPriceCents * line.quantity);
  }
  return { itemCount, subtotals: [...byCurrency].map(([currency, cents]) => ({ currency, cents })) };
}

/** The parcel weight the shipping quote is asked for (orders books the same). */
export function parcelWeightGrams(cart: Cart): number {
  const units = cart.lines.reduce((n, l) => n + l.quantity, 0);
  return Math.min(MAX_PARCEL_GRAMS, Math.max(1, units * GRAMS_PER_UNIT));
}

/** The order body's items: ids and quantities only (never prices). */
export function orderItems(cart: Cart): Array<{ productId: string; quantity: number }> {
  return cart.lines.map((l) => ({ productId: l.productId, quantity: l.quantity }));
}

function isLine(value: unknown): value is CartLine {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['productId'] === 'string' &&
    v['productId'].length > 0 &&
    v['productId'].length <= 100 &&
    typeof v['name'] === 'string' &&
    Number.isSafeInteger(v['unitPriceCents']) &&
    (v['unitPriceCents'] as number) >= 0 &&
    typeof v['currency'] === 'string' &&
    /^[A-Z]{3}$/.test(v['currency']) &&
    Number.isInteger(v['quantity']) &&
    (v['quantity'] as number) >= 1
  );
}

/** Reads a stored cart, keeping only well-formed lines (storage can hold anything). */
export function parseCart(stored: string | null): Cart {
  if (!stored) return EMPTY_CART;
  let data: unknown;
  try {
    data = JSON.parse(stored);
  } catch {
    return EMPTY_CART;
  }
  const lines = typeof data === 'object' && data !== null ? (data as { lines?: unknown }).lines : undefined;
  if (!Array.isArray(lines)) return EMPTY_CART;
  const seen = new Set<string>();
  const valid: CartLine[] = [];
  for (const line of lines) {
    if (!isLine(line) || seen.has(line.productId) || valid.length >= MAX_LINES) continue;
    seen.add(line.productId);
    valid.push({ ...line, quantity: clampQuantity(line.quantity) });
  }
  return { lines: valid };
}
