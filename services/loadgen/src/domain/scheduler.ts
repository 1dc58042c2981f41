// Open-loop arrivals: scenarios start at the configured rate whatever the shop's latency, as real
// shoppers do (a closed loop would slow down with the shop and hide its slowness). Arrivals are
// evenly spaced, 1/rate apart, the first one interval after (re)start. A started scenario beyond
// the in-flight bound is not queued but counted as dropped: the generator itself was saturated.
// Pure: the caller passes the time in; timers live in plugins/runner.ts.
import type { ScenarioName } from './mix.ts';

export interface ArrivalSettings {
  /** Scenarios started per second (0: none). */
  rate: number;
  maxInFlight: number;
  paused: boolean;
}

/** Arrivals later than this are forgotten (e.g. after the process was suspended), bounding a catch-up burst. */
export const MAX_LAG_MS = 5_000;

export class ArrivalSchedule {
  #intervalMs = Infinity;
  #nextAt: number | undefined;

  constructor(rate: number, paused: boolean, nowMs: number) {
    this.restart(rate, paused, nowMs);
  }

  /** New rate or pause state from now on; the next arrival is one new interval away. */
  restart(rate: number, paused: boolean, nowMs: number): void {
    if (paused || !(rate > 0)) {
      this.#intervalMs = Infinity;
      this.#nextAt = undefined;
      return;
    }
    this.#intervalMs = 1000 / rate;
    this.#nextAt = nowMs + this.#intervalMs;
  }

  /** How many arrivals fell due up to `nowMs` (inclusive) since the last call. */
  due(nowMs: number): number {
    if (this.#nextAt === undefined || nowMs < this.#nextAt) return 0;
    if (nowMs - this.#nextAt > MAX_LAG_MS) {
      const skipped = Math.floor((nowMs - MAX_LAG_MS - this.#nextAt) / this.#intervalMs) + 1;
      this.#nextAt += skipped * this.#intervalMs;
    }
    const count = Math.floor((nowMs - this.#nextAt) / this.#intervalMs) + 1;
    this.#nextAt += count * this.#intervalMs;
    return count;
  }

  /** When the next arrival is due; undefined while paused or at rate 0. */
  get nextAt(): number | undefined {
    return this.#nextAt;
  }
}

export interface DispatcherOptions extends ArrivalSettings {
  nowMs: number;
  /** The next scenario (from the weighted mix). */
  choose: () => ScenarioName;
  /** Runs one scenario; never rejects (outcomes are counted inside). */
  launch: (scenario: ScenarioName) => Promise<void>;
  /** Counts one arrival that found the in-flight bound reached. */
  drop: (scenario: ScenarioName) => void;
}

export interface TickResult {
  started: number;
  dropped: number;
}

export class Dispatcher {
  readonly #options: DispatcherOptions;
  readonly #schedule: ArrivalSchedule;
  #settings: ArrivalSettings;
  #inFlight = 0;
  readonly #running = new Set<Promise<void>>();

  constructor(options: DispatcherOptions) {
    this.#options = options;
    this.#settings = { rate: options.rate, maxInFlight: options.maxInFlight, paused: options.paused };
    this.#schedule = new ArrivalSchedule(options.rate, options.paused, options.nowMs);
  }

  get settings(): ArrivalSettings {
    return { ...this.#settings };
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get nextArrivalAt(): number | undefined {
    return this.#schedule.nextAt;
  }

  /** Changes take effect at `nowMs`; a new bound applies to the next arrivals (running ones finish). */
  update(change: Partial<ArrivalSettings>, nowMs: number): void {
    const next = { ...this.#settings, ...change };
    if (next.rate !== this.#settings.rate || next.paused !== this.#settings.paused) this.#schedule.restart(next.rate, next.paused, nowMs);
    this.#settings = next;
  }

  /** Starts (or drops) every arrival due by `nowMs`. */
  tick(nowMs: number): TickResult {
    const result: TickResult = { started: 0, dropped: 0 };
    const due = this.#schedule.due(nowMs);
    for (let i = 0; i < due; i++) {
      const scenario = this.#options.choose();
      if (this.#inFlight >= this.#settings.maxInFlight) {
        this.#options.drop(scenario);
        result.dropped++;
        continue;
      }
      this.#inFlight++;
      result.started++;
      // launch() counts its own outcome; a rejection here would be a bug, never a reason to crash.
      const run = this.#options.launch(scenario).catch(() => undefined).finally(() => {
        this.#inFlight--;
        this.#running.delete(run);
      });
      this.#running.add(run);
    }
    return result;
  }

  /** Resolves once every scenario started so far has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
