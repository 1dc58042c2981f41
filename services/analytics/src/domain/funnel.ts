// The marketing funnel: which storefront clicks and which domain events are which stage, how they
// are bucketed in time, and how conversion is computed. Pure: no I/O, time passed in.
//
//   product_view ──▶ add_to_cart ──▶ checkout ──▶ purchase          (+ cancelled, outside the funnel)
//
// Two sources observe the same shopper: the storefront reports clicks (all four stages, but ad
// blockers and closed tabs lose some), the domain reports facts (catalog's product views, orders'
// placed/confirmed/cancelled — never add-to-cart). A stage's count is the larger of the two, which
// never double counts a shopper seen by both and survives either source missing.

export const STAGES = ['product_view', 'add_to_cart', 'checkout', 'purchase'] as const;
export type Stage = (typeof STAGES)[number];
/** What the store records: the funnel stages plus cancelled orders. */
export type RecordedStage = Stage | 'cancelled';
export const SOURCES = ['storefront', 'domain'] as const;
export type Source = (typeof SOURCES)[number];

export const CLICK_TYPES = ['page_view', 'product_view', 'search', 'add_to_cart', 'remove_from_cart', 'checkout_started', 'purchase_completed', 'support_contacted'] as const;
export type ClickType = (typeof CLICK_TYPES)[number];

const CLICK_STAGE: Partial<Record<ClickType, Stage>> = {
  product_view: 'product_view',
  add_to_cart: 'add_to_cart',
  checkout_started: 'checkout',
  purchase_completed: 'purchase',
};

/** Fields a click of a type must carry beyond `type` and `sessionId`. */
const REQUIRED_FIELDS: Partial<Record<ClickType, readonly ('productId' | 'query')[]>> = {
  product_view: ['productId'],
  add_to_cart: ['productId'],
  remove_from_cart: ['productId'],
  search: ['query'],
};

export function stageOfClick(type: ClickType): Stage | undefined {
  return CLICK_STAGE[type];
}

export interface Click {
  type: ClickType;
  sessionId: string;
  productId?: string | undefined;
  query?: string | undefined;
  results?: number | undefined;
  at?: string | undefined;
}

/** Per-type field rules the schema cannot say simply: `[index, field]` of every missing field. */
export function missingFields(clicks: readonly Click[]): Array<{ index: number; field: string }> {
  const missing: Array<{ index: number; field: string }> = [];
  clicks.forEach((click, index) => {
    for (const field of REQUIRED_FIELDS[click.type] ?? []) {
      if (click[field] === undefined) missing.push({ index, field });
    }
  });
  return missing;
}

export interface FunnelHit {
  stage: RecordedStage;
  source: Source;
  /** Start of the minute bucket. */
  minute: Date;
  sessionId?: string | undefined;
}

const MINUTE_MS = 60_000;
/** Browsers batch and retry: a click's own time is believed up to an hour back. */
export const CLICK_MAX_AGE_MS = 3_600_000;
/** Consumers lag and replay: a domain event's time is believed up to a week back. */
export const DOMAIN_EVENT_MAX_AGE_MS = 7 * 24 * 3_600_000;

export function minuteOf(time: Date): Date {
  return new Date(Math.floor(time.getTime() / MINUTE_MS) * MINUTE_MS);
}

/**
 * The minute an event is counted in: its claimed time if it is plausible (not in the future, not
 * older than `maxAgeMs`), otherwise the time it arrived. Clients' clocks are not trusted further.
 */
export function bucketFor(claimed: string | Date | undefined, now: Date, maxAgeMs: number): Date {
  const time = claimed === undefined ? undefined : new Date(claimed);
  const valid = time !== undefined && !Number.isNaN(time.getTime()) && time.getTime() <= now.getTime() && now.getTime() - time.getTime() <= maxAgeMs;
  return minuteOf(valid ? time : now);
}

export function hitsOfClicks(clicks: readonly Click[], now: Date): FunnelHit[] {
  const hits: FunnelHit[] = [];
  for (const click of clicks) {
    const stage = stageOfClick(click.type);
    if (stage) hits.push({ stage, source: 'storefront', minute: bucketFor(click.at, now, CLICK_MAX_AGE_MS), sessionId: click.sessionId });
  }
  return hits;
}

/** The slice of a domain event analytics reads (structurally matched, so any envelope fits). */
export type DomainFact =
  | { type: 'shop.catalog.product.viewed'; time: string; data: { sessionId?: string | undefined } }
  | { type: 'shop.orders.order.placed' | 'shop.orders.order.confirmed' | 'shop.orders.order.cancelled'; time: string; data: { totalCents: number; currency: string } }
  | { type: string; time: string; data: unknown };

const DOMAIN_STAGE: Record<string, RecordedStage> = {
  'shop.catalog.product.viewed': 'product_view',
  'shop.orders.order.placed': 'checkout',
  'shop.orders.order.confirmed': 'purchase',
  'shop.orders.order.cancelled': 'cancelled',
};

/** The funnel hit of a domain event, or undefined for events that are not funnel facts. */
export function hitOfDomainEvent(event: DomainFact, now: Date): FunnelHit | undefined {
  const stage = DOMAIN_STAGE[event.type];
  if (!stage) return undefined;
  const data = event.data as { sessionId?: unknown };
  const sessionId = stage === 'product_view' && typeof data.sessionId === 'string' ? data.sessionId : undefined;
  return { stage, source: 'domain', minute: bucketFor(event.time, now, DOMAIN_EVENT_MAX_AGE_MS), ...(sessionId ? { sessionId } : {}) };
}

export interface BucketRow {
  minute: Date;
  stage: RecordedStage;
  source: Source;
  events: number;
}

/** Hits summed per bucket, sorted (minute, stage, source) so concurrent writers lock rows in one order. */
export function aggregate(hits: readonly FunnelHit[]): BucketRow[] {
  const rows = new Map<string, BucketRow>();
  for (const hit of hits) {
    const key = `${hit.minute.toISOString()}|${hit.stage}|${hit.source}`;
    const row = rows.get(key);
    if (row) row.events += 1;
    else rows.set(key, { minute: hit.minute, stage: hit.stage, source: hit.source, events: 1 });
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

export const WINDOWS = { '1h': 60, '24h': 1_440 } as const;
export type FunnelWindow = keyof typeof WINDOWS;

/** The first minute bucket of a window ending now: the last N buckets, the current one included. */
export function windowStart(window: FunnelWindow, now: Date): Date {
  return new Date(minuteOf(now).getTime() - (WINDOWS[window] - 1) * MINUTE_MS);
}

export interface StageCounts {
  storefront: number;
  domain: number;
}

/** A stage's count: the larger of the two sources (see the header). */
export function stageCount(counts: StageCounts): number {
  return Math.max(counts.storefront, counts.domain);
}

export interface Conversion {
  viewToCart: number | null;
  cartToCheckout: number | null;
  checkoutToPurchase: number | null;
  viewToPurchase: number | null;
}

const ratio = (numerator: number, denominator: number): number | null => (denominator > 0 ? Math.round((numerator / denominator) * 10_000) / 10_000 : null);

/** Step-to-step and overall conversion (4 decimals); null where the earlier stage is empty. */
export function conversion(counts: Record<Stage, number>): Conversion {
  return {
    viewToCart: ratio(counts.add_to_cart, counts.product_view),
    cartToCheckout: ratio(counts.checkout, counts.add_to_cart),
    checkoutToPurchase: ratio(counts.purchase, counts.checkout),
    viewToPurchase: ratio(counts.purchase, counts.product_view),
  };
}
