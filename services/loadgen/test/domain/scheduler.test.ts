// Virtual time: the dispatcher is ticked with chosen timestamps and scenarios end when the test
// says so, so counts are exact and nothing depends on the machine's speed.
import { describe, expect, it } from 'vitest';
import { emptyMix, WeightedChoice, type ScenarioName } from '../../src/domain/mix.ts';
import { createRandom } from '../../src/domain/random.ts';
import { ArrivalSchedule, Dispatcher, MAX_LAG_MS } from '../../src/domain/scheduler.ts';

describe('ArrivalSchedule', () => {
  it('spaces arrivals 1/rate apart, the first one interval after the start', () => {
    const schedule = new ArrivalSchedule(4, false, 1_000);
    expect(schedule.due(1_000)).toBe(0);
    expect(schedule.due(1_249)).toBe(0);
    expect(schedule.due(1_250)).toBe(1);
    expect(schedule.due(1_250)).toBe(0);
    expect(schedule.due(2_000)).toBe(3);
    expect(schedule.nextAt).toBe(2_250);
  });

  it.each([
    [10, 1_000, 10],
    [10, 10_000, 100],
    [0.5, 10_000, 5],
    [200, 1_000, 200],
    [3, 7_000, 21],
  ])('at rate %d per second over %d ms: %d arrivals, however the ticks fall', (rate, duration, expected) => {
    const regular = new ArrivalSchedule(rate, false, 0);
    let total = 0;
    for (let t = 0; t <= duration; t += 7) total += regular.due(t);
    total += regular.due(duration);
    expect(total).toBe(expected);
    // One late tick (an event loop that was busy) catches up to the same count, within the catch-up bound.
    const late = new ArrivalSchedule(rate, false, 0);
    let caughtUp = 0;
    for (let t = MAX_LAG_MS; t < duration; t += MAX_LAG_MS) caughtUp += late.due(t);
    expect(caughtUp + late.due(duration)).toBe(expected);
  });

  it('has no arrivals while paused or at rate 0', () => {
    expect(new ArrivalSchedule(10, true, 0).due(10_000)).toBe(0);
    expect(new ArrivalSchedule(0, false, 0).due(10_000)).toBe(0);
    expect(new ArrivalSchedule(0, false, 0).nextAt).toBeUndefined();
  });

  it('forgets arrivals older than the catch-up bound (a suspended process does not burst)', () => {
    const schedule = new ArrivalSchedule(10, false, 0);
    const due = schedule.due(60_000);
    expect(due).toBeLessThanOrEqual((MAX_LAG_MS / 1000) * 10 + 1);
    expect(due).toBeGreaterThanOrEqual((MAX_LAG_MS / 1000) * 10);
    expect(schedule.due(60_100)).toBe(1);
  });
});

interface Harness {
  dispatcher: Dispatcher;
  launched: ScenarioName[];
  dropped: ScenarioName[];
  /** Ends the oldest running scenario. */
  finishOne(): Promise<void>;
}

function harness(settings: { rate: number; maxInFlight: number; paused?: boolean }, seed = 1): Harness {
  const launched: ScenarioName[] = [];
  const dropped: ScenarioName[] = [];
  const running: (() => void)[] = [];
  const random = createRandom(seed);
  const choice = new WeightedChoice({ ...emptyMix(), browse: 3, search: 1 });
  const dispatcher = new Dispatcher({
    ...settings,
    paused: settings.paused ?? false,
    nowMs: 0,
    choose: () => choice.choose(random.next()),
    launch: (scenario) => {
      launched.push(scenario);
      return new Promise<void>((resolve) => running.push(resolve));
    },
    drop: (scenario) => dropped.push(scenario),
  });
  return {
    dispatcher,
    launched,
    dropped,
    async finishOne() {
      running.shift()?.();
      // Let the dispatcher's bookkeeping (promise callbacks) run.
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

describe('Dispatcher', () => {
  it('starts N = rate × T arrivals when under the bound', () => {
    const h = harness({ rate: 20, maxInFlight: 1_000 });
    let started = 0;
    for (let t = 50; t <= 5_000; t += 50) started += h.dispatcher.tick(t).started;
    expect(started).toBe(100);
    expect(h.launched).toHaveLength(100);
    expect(h.dropped).toHaveLength(0);
    expect(h.dispatcher.inFlight).toBe(100);
  });

  it('never runs more than maxInFlight; arrivals beyond it are dropped, not queued', async () => {
    const h = harness({ rate: 10, maxInFlight: 3 });
    const first = h.dispatcher.tick(1_000);
    expect(first).toEqual({ started: 3, dropped: 7 });
    expect(h.dispatcher.inFlight).toBe(3);
    await h.finishOne();
    expect(h.dispatcher.inFlight).toBe(2);
    // One free slot: of the next second's 10 arrivals one starts, nine are dropped.
    expect(h.dispatcher.tick(2_000)).toEqual({ started: 1, dropped: 9 });
    expect(h.launched).toHaveLength(4);
    expect(h.dropped).toHaveLength(16);
    expect(h.dispatcher.inFlight).toBeLessThanOrEqual(3);
    // Open loop: the arrivals kept coming at the rate although scenarios did not finish.
    expect(h.launched.length + h.dropped.length).toBe(20);
  });

  it('applies a new rate from the moment it is set; pausing stops arrivals and resuming does not burst', () => {
    const h = harness({ rate: 1, maxInFlight: 1_000 });
    expect(h.dispatcher.tick(5_000).started).toBe(5);
    expect(h.dispatcher.tick(10_000).started).toBe(5);
    h.dispatcher.update({ rate: 50 }, 10_000);
    expect(h.dispatcher.tick(11_000).started).toBe(50);
    h.dispatcher.update({ paused: true }, 11_000);
    expect(h.dispatcher.tick(60_000).started).toBe(0);
    expect(h.dispatcher.nextArrivalAt).toBeUndefined();
    h.dispatcher.update({ paused: false, rate: 2 }, 60_000);
    expect(h.dispatcher.tick(60_000).started).toBe(0);
    expect(h.dispatcher.tick(61_000).started).toBe(2);
  });

  it('a lower bound applies to the next arrivals; running scenarios finish', async () => {
    const h = harness({ rate: 10, maxInFlight: 10 });
    expect(h.dispatcher.tick(1_000)).toEqual({ started: 10, dropped: 0 });
    h.dispatcher.update({ maxInFlight: 2 }, 1_000);
    expect(h.dispatcher.tick(1_100)).toEqual({ started: 0, dropped: 1 });
    for (let i = 0; i < 9; i++) await h.finishOne();
    expect(h.dispatcher.inFlight).toBe(1);
    expect(h.dispatcher.tick(1_200)).toEqual({ started: 1, dropped: 0 });
  });

  it('is deterministic for a seed: the same scenarios in the same order', () => {
    const run = (seed: number) => {
      const h = harness({ rate: 50, maxInFlight: 10 }, seed);
      for (let t = 100; t <= 2_000; t += 100) h.dispatcher.tick(t);
      return { launched: h.launched.join(','), dropped: h.dropped.join(',') };
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it('idle() resolves once every started scenario has finished', async () => {
    const h = harness({ rate: 5, maxInFlight: 10 });
    h.dispatcher.tick(1_000);
    let idle = false;
    const waiting = h.dispatcher.idle().then(() => (idle = true));
    for (let i = 0; i < 4; i++) await h.finishOne();
    expect(idle).toBe(false);
    await h.finishOne();
    await waiting;
    expect(idle).toBe(true);
  });
});
