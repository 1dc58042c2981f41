// The work queue between informers and reconcile workers, with the guarantees controllers need:
// - deduplicated per key: a key waiting in the queue is queued once, however many events arrive;
// - never processed twice at once: a key re-added while a worker holds it is queued again only
//   when that worker calls done(), so the next reconcile sees the newest state;
// - per-key exponential backoff for failures (addRateLimited / forget);
// - a global token bucket so a burst of dirty keys cannot flood the API server.
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { TokenBucket } from './rate-limit.ts';

export interface WorkQueueOptions {
  backoff?: BackoffOptions;
  /** Reconciles per second across all keys. */
  perSecond?: number;
  burst?: number;
}

export class WorkQueue {
  #queue: string[] = [];
  #dirty = new Set<string>();
  #processing = new Set<string>();
  #failures = new Map<string, number>();
  #delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  #waiters: Array<(key: string | undefined) => void> = [];
  #bucket: TokenBucket;
  #backoff: BackoffOptions;
  #shuttingDown = false;
  #limiterTimer: NodeJS.Timeout | undefined;

  constructor(options: WorkQueueOptions = {}) {
    this.#backoff = options.backoff ?? { baseMs: 250, maxMs: 300_000 };
    this.#bucket = new TokenBucket(options.perSecond ?? 50, options.burst ?? 100);
  }

  /** Keys waiting to be processed (not counting delayed retries or keys being processed). */
  get length(): number {
    return this.#queue.length;
  }

  get delayedCount(): number {
    return this.#delayed.size;
  }

  get processingCount(): number {
    return this.#processing.size;
  }

  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#dispatch();
  }

  /** Adds the key after `delayMs`; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#delayed.set(key, { at, timer });
  }

  /** Re-adds a failed key after its next backoff delay; returns that delay. */
  addRateLimited(key: string): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const delay = backoffDelay(failures, this.#backoff);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears the key's failure history (call after a successful reconcile). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Waits for the next key; `undefined` once the queue is shut down. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#dispatch();
    });
  }

  /** Marks the key finished; if it changed meanwhile it is queued again. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      this.#queue.push(key);
      this.#dispatch();
    }
  }

  shutDown(): void {
    this.#shuttingDown = true;
    clearTimeout(this.#limiterTimer);
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  // Hands queued keys to waiting workers, as fast as the token bucket allows.
  #dispatch(): void {
    while (this.#waiters.length > 0 && this.#queue.length > 0) {
      if (this.#limiterTimer) return;
      const token = this.#bucket.tryTake();
      if (!token.ok) {
        this.#limiterTimer = setTimeout(() => {
          this.#limiterTimer = undefined;
          this.#dispatch();
        }, token.waitMs);
        return;
      }
      const key = this.#queue.shift() as string;
      const waiter = this.#waiters.shift() as (key: string | undefined) => void;
      this.#dirty.delete(key);
      this.#processing.add(key);
      waiter(key);
    }
  }
}
