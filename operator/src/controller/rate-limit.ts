// A token bucket: at most `perSecond` reconciles per second on average, bursts up to `burst`.
// It protects the API server when everything becomes dirty at once (start-up, relist, a CRD
// upgrade touching every resource). Time is injected so the arithmetic is unit-tested.

export class TokenBucket {
  readonly perSecond: number;
  readonly burst: number;
  #tokens: number;
  #updatedAt: number;
  #now: () => number;

  constructor(perSecond: number, burst: number, now: () => number = Date.now) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error('rate limit needs perSecond > 0 and burst >= 1');
    this.perSecond = perSecond;
    this.burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.perSecond);
    this.#updatedAt = now;
  }

  /** Takes one token if available; otherwise returns the milliseconds until one will be. */
  tryTake(): { ok: true } | { ok: false; waitMs: number } {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { ok: true };
    }
    return { ok: false, waitMs: Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000) };
  }
}
