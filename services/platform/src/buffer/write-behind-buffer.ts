// Write-behind: items (page views, clicks) are accepted in memory and written in one batch per
// interval, or early once `maxBuffered` are waiting, instead of one write per request. For
// clickstream, not money: a crash loses at most one interval; close() (SIGTERM, the `jobs` close
// phase, before the pool closes) writes what is left.
//
// The behaviour, on purpose:
// - flush() writes everything added before it was called: if a write is in progress it waits
//   for it and then writes the rest (returning the running write instead would leave items
//   added meanwhile behind, e.g. on close).
// - A failed write keeps its batch, in order before newer items, and the next interval retries
//   it. While writes fail, reaching `maxBuffered` does not start a write per added item (that
//   would hammer a database that is down); the interval paces the retries.
// - Memory is bounded: at most `maxRetained` items are kept; beyond, the oldest are dropped and
//   counted (onDropped), since a long outage must not exhaust the process.
export interface WriteBehindBufferOptions<T> {
  /** Writes one batch; a rejection keeps the batch for the next attempt. */
  write: (batch: readonly T[]) => Promise<void>;
  /** How often waiting items are written (default 1000 ms). */
  flushIntervalMs?: number;
  /** Write early once this many are waiting (default 500). */
  maxBuffered?: number;
  /** Keep at most this many while writes fail, dropping the oldest (default 10 × maxBuffered). */
  maxRetained?: number;
  /** Called with the number of waiting items whenever it changes (a gauge). */
  onSizeChange?: (size: number) => void;
  /** Called when a write failed, with the number of items kept for the retry. */
  onWriteError?: (error: unknown, pending: number) => void;
  /** Called with the number of items dropped because `maxRetained` was reached. */
  onDropped?: (count: number) => void;
}

export class WriteBehindBuffer<T> {
  #items: T[] = [];
  #writing: Promise<void> | undefined;
  #failing = false;
  #closed = false;
  readonly #timer: NodeJS.Timeout;
  readonly #maxBuffered: number;
  readonly #maxRetained: number;
  readonly #options: WriteBehindBufferOptions<T>;

  constructor(options: WriteBehindBufferOptions<T>) {
    this.#options = options;
    this.#maxBuffered = options.maxBuffered ?? 500;
    this.#maxRetained = options.maxRetained ?? 10 * this.#maxBuffered;
    if (this.#maxBuffered < 1 || this.#maxRetained < this.#maxBuffered) throw new Error('WriteBehindBuffer needs 1 ≤ maxBuffered ≤ maxRetained');
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  /** Items waiting to be written. */
  get size(): number {
    return this.#items.length;
  }

  /** Accepts items; they are written within one interval (at once after close()). */
  add(items: readonly T[]): void {
    if (items.length === 0) return;
    this.#items.push(...items);
    this.#bound();
    this.#options.onSizeChange?.(this.#items.length);
    if (this.#closed || (!this.#failing && this.#items.length >= this.#maxBuffered)) void this.flush();
  }

  /** Writes everything added before this call (after a write in progress finishes). Never rejects. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#items.length === 0) return;
    const batch = this.#items;
    this.#items = [];
    this.#writing = this.#write(batch);
    return this.#writing;
  }

  /** Stops the interval and writes what is left (one attempt; a failure is reported, not thrown). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.flush();
  }

  async #write(batch: T[]): Promise<void> {
    try {
      await this.#options.write(batch);
      this.#failing = false;
    } catch (error) {
      this.#failing = true;
      this.#items = [...batch, ...this.#items];
      this.#bound();
      this.#options.onWriteError?.(error, this.#items.length);
    } finally {
      this.#options.onSizeChange?.(this.#items.length);
      this.#writing = undefined;
    }
  }

  #bound(): void {
    const excess = this.#items.length - this.#maxRetained;
    if (excess <= 0) return;
    this.#items.splice(0, excess);
    this.#options.onDropped?.(excess);
  }
}
