// Pure reservation rules: no database, no clock. The repository locks the stock rows and asks
// these functions what to do, so the decisions are unit-tested as data.

export interface RequestedItem {
  productId: string;
  quantity: number;
}

/** What the locked stock row of a product says right now. */
export interface StockLevel {
  productId: string;
  onHand: number;
  reserved: number;
}

export interface Shortfall {
  productId: string;
  requested: number;
  available: number;
}

export type ReservationPlan =
  | { ok: true; items: RequestedItem[] }
  | { ok: false; reason: 'unknown_product' | 'out_of_stock'; shortfall: Shortfall[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stock is keyed by catalog product ids, which are UUIDs; anything else cannot be a product. */
export function isProductId(value: string): boolean {
  return UUID.test(value);
}

/**
 * One line per product, quantities summed, in ascending product-id order. That order is the
 * order rows are locked in by every operation, so concurrent reservations never deadlock.
 * Ids are lower-cased first: PostgreSQL's uuid type does, so two spellings are one product.
 */
export function mergeItems(items: readonly RequestedItem[]): RequestedItem[] {
  const totals = new Map<string, number>();
  for (const item of items) {
    const id = isProductId(item.productId) ? item.productId.toLowerCase() : item.productId;
    totals.set(id, (totals.get(id) ?? 0) + item.quantity);
  }
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * All or nothing: the order's items are reserved only if every one of them is available in full.
 * An unknown product outranks a shortage as the reason (it will not get better by waiting), and
 * the shortfall lists every item that cannot be served, with what is available.
 */
export function planReservation(items: readonly RequestedItem[], levels: ReadonlyMap<string, StockLevel>): ReservationPlan {
  const merged = mergeItems(items);
  const shortfall: Shortfall[] = [];
  let unknown = false;
  for (const item of merged) {
    const level = levels.get(item.productId);
    if (!level) {
      unknown = true;
      shortfall.push({ productId: item.productId, requested: item.quantity, available: 0 });
      continue;
    }
    const available = Math.max(0, level.onHand - level.reserved);
    if (available < item.quantity) shortfall.push({ productId: item.productId, requested: item.quantity, available });
  }
  if (shortfall.length === 0) return { ok: true, items: merged };
  return { ok: false, reason: unknown ? 'unknown_product' : 'out_of_stock', shortfall };
}

/**
 * A low-stock signal fires once per downward crossing: when available goes from above the
 * threshold to at or below it. Staying low, or dropping further while low, is not a new crossing;
 * a restock above the threshold re-arms it.
 */
export function crossedLowStock(availableBefore: number, availableAfter: number, threshold: number): boolean {
  return availableBefore > threshold && availableAfter <= threshold;
}
