// The one shutdown order of every service, by phase: consumers stop first (no new work arrives and
// their offsets commit), then background jobs finish the run in hand, then the outbox relay
// publishes what those wrote and its producer flushes, then other clients (Redis, a dead-letter
// producer) disconnect, the faults poller stops, the pool closes after everything that uses it,
// and tracing flushes last so the spans of all of the above are exported.

export const CLOSE_ORDER = ['consumers', 'jobs', 'relay', 'clients', 'faults', 'pool', 'tracing'] as const;
export type ClosePhase = (typeof CLOSE_ORDER)[number];

export interface CloseLogger {
  debug(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

interface Closer {
  phase: ClosePhase;
  name: string;
  close: () => Promise<void> | void;
}

export class CloseSequence {
  readonly #closers: Closer[] = [];

  /** Registers a resource's close; within a phase, closes run in the order they were added. */
  add(phase: ClosePhase, name: string, close: () => Promise<void> | void): void {
    this.#closers.push({ phase, name, close });
  }

  /** The registered closes as they will run (phase, then registration order). */
  planned(): { phase: ClosePhase; name: string }[] {
    return this.#ordered().map(({ phase, name }) => ({ phase, name }));
  }

  /**
   * Runs every close in order. A failing close is logged and the rest still run (a pool left
   * open because the relay failed to stop would only hide the first problem); the first failure
   * is rethrown at the end, so the process exits non-zero.
   */
  async run(logger: CloseLogger): Promise<void> {
    const failures: unknown[] = [];
    for (const { phase, name, close } of this.#ordered()) {
      try {
        await close();
        logger.debug({ phase, resource: name }, 'closed');
      } catch (error) {
        failures.push(error);
        logger.error({ err: error, phase, resource: name }, 'close failed');
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  #ordered(): Closer[] {
    // Array.prototype.sort is stable: registration order survives within a phase.
    return [...this.#closers].sort((a, b) => CLOSE_ORDER.indexOf(a.phase) - CLOSE_ORDER.indexOf(b.phase));
  }
}
