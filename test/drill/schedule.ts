// The drill's fault schedule as data: which faults, in which order, after which pauses and for
// how long — all drawn from one seeded generator, so a printed seed replays the same schedule.
// Pure: no clocks, no processes; drill.ts carries it out.

/** The saga's processes a drill kills with SIGKILL and starts again. */
export const SAGA_SERVICES = ['orders', 'inventory', 'payments', 'shipping', 'psp'] as const;
export type SagaService = (typeof SAGA_SERVICES)[number];

export type Fault =
  /** SIGKILL, started again after `downMs` (a pod restart). */
  | { kind: 'kill'; service: SagaService; downMs: number }
  /** `scripts/infra/ctl.sh restart` of the shared broker or database. */
  | { kind: 'restart'; program: 'kafka' | 'postgres' }
  /** SIGSTOP … SIGCONT of a service: its outbox relay and consumer stand still, a backlog builds. */
  | { kind: 'pause'; service: SagaService; pauseMs: number }
  /** A second replica of a participant joins its consumer group for `holdMs`, then leaves. */
  | { kind: 'rebalance'; service: 'inventory' | 'shipping'; holdMs: number };

export interface ScheduledFault {
  /** Pause before this fault starts, counted from the end of the previous one. */
  gapMs: number;
  fault: Fault;
}

export interface ScheduleOptions {
  /** Include the relay pause and the consumer-group rebalance (the full drill does; the short test does not). */
  pauseAndRebalance: boolean;
  /** Gaps are drawn from [gapMinMs, gapMaxMs]. */
  gapMinMs: number;
  gapMaxMs: number;
  /** Outage of a killed service, drawn from [downMinMs, downMaxMs]. */
  downMinMs: number;
  downMaxMs: number;
  /** How long a paused service stays stopped. */
  pauseMs: number;
  /** How long the extra replica stays in its group. */
  holdMs: number;
  /**
   * Restart the shared Kafka broker and PostgreSQL (default true). Off, only the drill's own
   * processes are disturbed, so it can run beside other work on the same local infrastructure.
   */
  infraRestarts?: boolean;
}

/** mulberry32: small, fast and good enough to pick moments; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function between(random: () => number, min: number, max: number): number {
  return Math.round(min + random() * (max - min));
}

/**
 * Every saga service killed once (in the order, "each in turn"), the broker and the
 * database restarted once each, and optionally a pause and a rebalance; the infrastructure faults
 * are shuffled in between the kills so no run always meets them at the same point of the saga.
 */
export function buildSchedule(random: () => number, options: ScheduleOptions): ScheduledFault[] {
  const kills: Fault[] = SAGA_SERVICES.map((service) => ({ kind: 'kill', service, downMs: between(random, options.downMinMs, options.downMaxMs) }));
  const others: Fault[] = [
    ...(options.infraRestarts === false
      ? []
      : ([
          { kind: 'restart', program: 'kafka' },
          { kind: 'restart', program: 'postgres' },
        ] satisfies Fault[])),
    ...(options.pauseAndRebalance
      ? ([
          { kind: 'pause', service: 'payments', pauseMs: options.pauseMs },
          { kind: 'rebalance', service: random() < 0.5 ? 'inventory' : 'shipping', holdMs: options.holdMs },
        ] satisfies Fault[])
      : []),
  ];
  const faults = [...kills];
  for (const fault of others) faults.splice(Math.floor(random() * (faults.length + 1)), 0, fault);
  return faults.map((fault) => ({ gapMs: between(random, options.gapMinMs, options.gapMaxMs), fault }));
}

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'kill':
      return `SIGKILL ${fault.service}, down ${fault.downMs} ms`;
    case 'restart':
      return `restart ${fault.program}`;
    case 'pause':
      return `SIGSTOP ${fault.service} for ${fault.pauseMs} ms`;
    case 'rebalance':
      return `second ${fault.service} replica for ${fault.holdMs} ms`;
  }
}
