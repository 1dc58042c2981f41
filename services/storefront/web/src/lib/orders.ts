// Reading orders and shipping quotes from the services' answers (orders: `Order` and `OrderPage`
// in services/orders/src/schemas/order.ts; shipping: `QuoteResponse`). Read defensively: an
// unexpected shape becomes "unknown", never a crash of the page.

export interface OrderLineView {
  productId: string;
  quantity: number;
  unitPriceCents: number | undefined;
}

export interface OrderView {
  id: string;
  status: string;
  totalCents: number | undefined;
  currency: string;
  reason: string | undefined;
  failedStep: string | undefined;
  /** The saga step in progress, while pending. */
  step: string | undefined;
  createdAt: string | undefined;
  lines: OrderLineView[];
}

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['confirmed', 'cancelled']);

export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.has(status);
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function int(value: unknown): number | undefined {
  return Number.isSafeInteger(value) ? (value as number) : undefined;
}

function text(value: unknown, max = 200): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;
}

export function readOrder(value: unknown): OrderView | undefined {
  const o = obj(value);
  const id = text(o?.['id'], 100);
  if (!o || !id) return undefined;
  const rawLines = Array.isArray(o['lines']) ? o['lines'] : Array.isArray(o['items']) ? o['items'] : [];
  const lines: OrderLineView[] = [];
  for (const raw of rawLines as unknown[]) {
    const l = obj(raw);
    const productId = text(l?.['productId'], 100);
    const quantity = int(l?.['quantity']);
    if (l && productId && quantity !== undefined) lines.push({ productId, quantity, unitPriceCents: int(l['unitPriceCents']) });
  }
  return {
    id,
    status: text(o['status'], 40) ?? 'unknown',
    totalCents: int(o['totalCents']),
    currency: text(o['currency'], 3) ?? 'EUR',
    reason: text(o['reason'] ?? o['cancelReason'], 64),
    failedStep: text(o['failedStep'], 64),
    step: text(o['step'], 64),
    createdAt: text(o['createdAt'], 40),
    lines,
  };
}

/** A page of orders: `{ items, nextCursor }` (or a bare array). */
export function readOrderPage(value: unknown): { orders: OrderView[]; nextCursor: string | undefined } {
  const o = obj(value);
  const items = Array.isArray(value) ? value : Array.isArray(o?.['items']) ? (o['items'] as unknown[]) : [];
  return {
    orders: items.map(readOrder).filter((x): x is OrderView => x !== undefined),
    nextCursor: text(o?.['nextCursor'], 512),
  };
}

const REASONS: Record<string, string> = {
  out_of_stock: 'Some items are out of stock.',
  declined: 'The payment was declined.',
  payment_declined: 'The payment was declined.',
  psp_unavailable: 'The payment provider is unavailable right now.',
  step_timeout: 'The order took too long to process.',
  insufficient_funds: 'The card has insufficient funds.',
  card_expired: 'The card has expired.',
  shipment_failed: 'The shipment could not be booked.',
  unknown_product: 'A product in the order no longer exists.',
};

/** `out_of_stock` → a sentence for the shopper; unknown reasons are shown as words. */
export function reasonText(reason: string | undefined): string {
  if (!reason) return 'No reason was given.';
  return REASONS[reason] ?? `${reason.replaceAll('_', ' ')}.`.replace(/^./, (c) => c.toUpperCase());
}

export interface QuoteView {
  method: string;
  priceCents: number;
  currency: string;
  estimatedDays: string | undefined;
  carrier: string | undefined;
}

function readQuote(value: unknown): QuoteView | undefined {
  const q = obj(value);
  if (!q) return undefined;
  const priceCents = int(q['priceCents'] ?? q['amountCents'] ?? q['costCents'] ?? q['totalCents']);
  const method = text(q['method'], 20);
  if (priceCents === undefined || !method) return undefined;
  // Shipping answers `estimatedDays: { min, max }`; flat fields are read too.
  const range = obj(q['estimatedDays']);
  const min = int(range?.['min'] ?? q['estimatedDaysMin'] ?? q['minDays']);
  const max = int(range?.['max'] ?? q['estimatedDaysMax'] ?? q['maxDays']);
  const days = int(q['estimatedDays'] ?? q['deliveryDays']);
  const estimatedDays = min !== undefined && max !== undefined ? (min === max ? `${min}` : `${min}–${max}`) : days !== undefined ? `${days}` : undefined;
  return { method, priceCents, currency: text(q['currency'], 3) ?? 'EUR', estimatedDays, carrier: text(q['carrier'], 64) };
}

/** Quotes in any of the shapes `{ quotes: [...] }`, `{ items: [...] }`, `[...]` or one quote. */
export function readQuotes(value: unknown): QuoteView[] {
  const o = obj(value);
  const list = Array.isArray(value) ? value : Array.isArray(o?.['quotes']) ? (o['quotes'] as unknown[]) : Array.isArray(o?.['items']) ? (o['items'] as unknown[]) : [value];
  return list.map(readQuote).filter((q): q is QuoteView => q !== undefined);
}
