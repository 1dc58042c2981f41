// Pricing an order from the catalog's answers, pure. The client names products and quantities
// only; every price comes from the catalog. Lines naming the same product are merged (quantities
// summed), so a cart that adds one product twice still makes one line.
import type { OrderLine } from '@shopwatch/contracts';

export const MAX_LINE_QUANTITY = 1000;
/** The largest amount payments accepts (and the orders contract carries): 100,000,000.00. */
export const MAX_ORDER_TOTAL_CENTS = 100_000_000_00;

export interface RequestedItem {
  productId: string;
  quantity: number;
}

/** What the catalog says about a product, when it knows it and it is for sale. */
export interface CatalogProduct {
  id: string;
  priceCents: number;
  currency: string;
}

export type PricingProblem =
  | { kind: 'quantity_too_large'; productId: string; quantity: number }
  | { kind: 'unknown_products'; productIds: string[] }
  | { kind: 'mixed_currencies'; currencies: string[] }
  | { kind: 'total_too_large'; totalCents: number }
  | { kind: 'zero_total' };

export type PricingResult = { ok: true; lines: OrderLine[]; totalCents: number; currency: string } | { ok: false; problem: PricingProblem };

/** Merges lines naming the same product, keeping first-seen order. */
export function mergeItems(items: readonly RequestedItem[]): RequestedItem[] {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

/** Prices merged items with the catalog's products (`undefined` = unknown or not for sale). */
export function priceOrder(items: readonly RequestedItem[], products: ReadonlyMap<string, CatalogProduct | undefined>): PricingResult {
  const tooMany = items.find((item) => item.quantity > MAX_LINE_QUANTITY);
  if (tooMany) return { ok: false, problem: { kind: 'quantity_too_large', productId: tooMany.productId, quantity: tooMany.quantity } };
  const unknown = items.filter((item) => !products.get(item.productId)).map((item) => item.productId);
  if (unknown.length > 0) return { ok: false, problem: { kind: 'unknown_products', productIds: unknown } };
  const currencies = [...new Set(items.map((item) => products.get(item.productId)!.currency))];
  if (currencies.length > 1) return { ok: false, problem: { kind: 'mixed_currencies', currencies: currencies.sort() } };
  const lines: OrderLine[] = items.map((item) => ({ productId: item.productId, quantity: item.quantity, unitPriceCents: products.get(item.productId)!.priceCents }));
  const totalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  if (totalCents > MAX_ORDER_TOTAL_CENTS) return { ok: false, problem: { kind: 'total_too_large', totalCents } };
  // Payments authorises at least one cent; a free order has nothing to pay and no saga to run.
  if (totalCents === 0) return { ok: false, problem: { kind: 'zero_total' } };
  return { ok: true, lines, totalCents, currency: currencies[0]! };
}
