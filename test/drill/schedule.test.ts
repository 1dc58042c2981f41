// The drill's schedule: every saga service killed once, the shared programs restarted unless told not to.
import { describe, expect, it } from 'vitest';
import { buildSchedule, seededRandom, type ScheduleOptions } from './schedule.ts';

const options: ScheduleOptions = { pauseAndRebalance: true, gapMinMs: 1_000, gapMaxMs: 2_000, downMinMs: 2_000, downMaxMs: 4_000, pauseMs: 5_000, holdMs: 5_000 };
const kinds = (o: ScheduleOptions) => buildSchedule(seededRandom(42), o).map(({ fault }) => (fault.kind === 'restart' ? `restart ${fault.program}` : fault.kind === 'kill' ? `kill ${fault.service}` : fault.kind));

describe('buildSchedule', () => {
  it('kills each saga service once and restarts Kafka and PostgreSQL once each', () => {
    const all = kinds(options);
    expect(all.filter((k) => k.startsWith('kill')).sort()).toEqual(['kill inventory', 'kill orders', 'kill payments', 'kill psp', 'kill shipping']);
    expect(all.filter((k) => k.startsWith('restart')).sort()).toEqual(['restart kafka', 'restart postgres']);
    expect(all).toContain('pause');
    expect(all).toContain('rebalance');
  });

  it('leaves the shared programs alone with infraRestarts false', () => {
    const all = kinds({ ...options, infraRestarts: false });
    expect(all.filter((k) => k.startsWith('restart'))).toEqual([]);
    expect(all.filter((k) => k.startsWith('kill'))).toHaveLength(5);
  });

  it('gives the same schedule for the same seed', () => {
    expect(buildSchedule(seededRandom(7), options)).toEqual(buildSchedule(seededRandom(7), options));
  });
});
