// A piece of background work run every interval (expiry sweeps, supplier deliveries, shipment
// ticks): one run at a time per process — a call while one runs joins it rather than starting a
// second — a failed run is reported and the next interval tries again, and stop() waits for the
// run in hand so the pool can close after it. Replicas coordinate in the database (SKIP LOCKED),
// not here.

export interface RecurringJobOptions {
  /** Told about a failed timer-driven run (database down, ...); the next interval retries. */
  onError: (error: unknown) => void;
}

export class RecurringJob<T> {
  readonly #work: () => Promise<T>;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<T> | undefined;

  constructor(work: () => Promise<T>, options: RecurringJobOptions) {
    this.#work = work;
    this.#onError = options.onError;
  }

  /** Runs the work now, or joins the run in progress; resolves to its result. */
  runNow(): Promise<T> {
    this.#running ??= this.#work().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Runs every `intervalMs` until stop(); 0 or less (or already started) does nothing. */
  start(intervalMs: number): void {
    if (this.#timer || intervalMs <= 0) return;
    this.#timer = setInterval(() => {
      this.runNow().catch(this.#onError);
    }, intervalMs);
    // Never what keeps a process alive.
    this.#timer.unref();
  }

  /** Stops the timer and waits for the run in hand (its failure is the timer's to report). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }
}
