// Click events for analytics, batched: events queue up and go out together when the batch is
// full or after a short delay. Best effort by design: a failed send is dropped and counted, it
// never throws into the UI and never retries into a storm. Time and transport are injected.

/** The analytics service's click types (services/analytics/src/schemas/events.ts). */
export type ClickEventType = 'page_view' | 'product_view' | 'search' | 'add_to_cart' | 'remove_from_cart' | 'checkout_started' | 'purchase_completed' | 'support_contacted';

export interface ClickDetails {
  productId?: string | undefined;
  query?: string | undefined;
  /** For search: how many results the shopper saw. */
  results?: number | undefined;
  /** For page_view: the page path. */
  path?: string | undefined;
}

export interface ClickEvent {
  type: ClickEventType;
  sessionId: string;
  productId?: string;
  query?: string;
  results?: number;
  path?: string;
  at: string;
}

export interface BatcherOptions {
  send: (events: ClickEvent[]) => Promise<void>;
  /** Starts a timer; returns its cancel function. */
  schedule: (run: () => void, ms: number) => () => void;
  now: () => Date;
  sessionId: string;
  maxBatch?: number;
  flushAfterMs?: number;
  /** Most events held while sends are failing or slow; older ones are dropped first. */
  maxQueued?: number;
}

export class EventBatcher {
  private readonly options: Required<BatcherOptions>;
  private queue: ClickEvent[] = [];
  private cancelTimer: (() => void) | undefined;
  sent = 0;
  dropped = 0;

  constructor(options: BatcherOptions) {
    this.options = { maxBatch: 20, flushAfterMs: 2_000, maxQueued: 200, ...options };
  }

  track(type: ClickEventType, details: ClickDetails = {}): void {
    const event: ClickEvent = { type, sessionId: this.options.sessionId, at: this.options.now().toISOString() };
    if (details.productId) event.productId = details.productId;
    if (details.query) event.query = details.query.slice(0, 200);
    if (details.results !== undefined && Number.isSafeInteger(details.results) && details.results >= 0) event.results = details.results;
    if (details.path) event.path = details.path.slice(0, 300);
    this.queue.push(event);
    if (this.queue.length > this.options.maxQueued) {
      this.dropped += this.queue.length - this.options.maxQueued;
      this.queue = this.queue.slice(-this.options.maxQueued);
    }
    if (this.queue.length >= this.options.maxBatch) void this.flush();
    else this.cancelTimer ??= this.options.schedule(() => void this.flush(), this.options.flushAfterMs);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Sends everything queued, in batches of at most maxBatch. Never rejects. */
  async flush(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      try {
        await this.options.send(batch);
        this.sent += batch.length;
      } catch {
        this.dropped += batch.length;
      }
    }
  }
}
