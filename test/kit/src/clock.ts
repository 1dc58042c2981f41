// A clock tests move by hand, injected where services take `now` (docs/architecture.md §1: time
// is injected). By default it follows real time plus the advances, so deadlines computed by
// PostgreSQL (now()) and by the app stay close; `frozenAt` stops it at one instant, for tests that
// compare exact times.
export class TestClock {
  #offsetMs = 0;
  readonly #frozenAt: number | undefined;

  constructor(options: { frozenAt?: number | Date } = {}) {
    this.#frozenAt = options.frozenAt === undefined ? undefined : Number(options.frozenAt);
  }

  /** The current test time (bound: pass `clock.now` where a `() => Date` is wanted). */
  readonly now = (): Date => new Date((this.#frozenAt ?? Date.now()) + this.#offsetMs);

  /** Moves the clock forward by `ms` (a negative value moves it back). */
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}
