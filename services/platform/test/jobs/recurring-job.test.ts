import { describe, expect, it } from 'vitest';
import { RecurringJob } from '../../src/index.ts';

/** A run that finishes when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('RecurringJob', () => {
  it('joins a run in progress instead of starting a second one, then runs again once it is done', async () => {
    let runs = 0;
    const first = gate();
    const job = new RecurringJob(async () => {
      runs += 1;
      if (runs === 1) await first.opened;
      return runs;
    }, { onError: () => undefined });
    const a = job.runNow();
    const b = job.runNow();
    expect(b).toBe(a);
    first.open();
    expect(await Promise.all([a, b])).toEqual([1, 1]);
    expect(await job.runNow()).toBe(2);
  });

  it('runs on its interval, reports failures to onError and keeps going, and stop() waits for the run in hand', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const slow = gate();
    const job = new RecurringJob(async () => {
      runs += 1;
      if (runs === 1) throw new Error('database down');
      if (runs === 3) await slow.opened;
      return runs;
    }, { onError: (error) => errors.push(error) });
    job.start(5);
    job.start(5); // a second start is ignored
    while (runs < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('database down');
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false); // the third run is still in hand
    slow.open();
    await stopping;
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(after); // no run after stop()
  });

  it('does not start with a zero interval', async () => {
    let runs = 0;
    const job = new RecurringJob(async () => ++runs, { onError: () => undefined });
    job.start(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(0);
    await job.stop();
  });
});
