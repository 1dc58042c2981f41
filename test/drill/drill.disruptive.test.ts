// Issue 12's drill, short: 200 orders through the gateway at 5/s while every saga service is
// killed once (SIGKILL, started again 2–4 s later), the shared Kafka broker is restarted and the
// shared PostgreSQL is restarted — then nothing lost and nothing done twice, read from the
// services' own databases (invariants.ts). Disruptive: it restarts shared programs, so it runs
// alone, after the integration tests, and leaves both running and healthy.
// The full drill (10 000 orders, a relay pause and a consumer-group rebalance too) is `make drill`.
import { infraHealthy, startInfra } from '@shopwatch/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDrill, randomSeed, runDrill } from './drill.ts';

afterAll(async () => {
  // Whatever happened above, the next test file finds the shared programs up.
  await startInfra('kafka');
  await startInfra('postgres');
}, 300_000);

describe('a short drill', () => {
  it('200 orders through kills of every saga service, a Kafka and a PostgreSQL restart: every order terminal, zero violations', { timeout: 300_000 }, async () => {
    const seed = process.env['DRILL_SEED'] ? Number(process.env['DRILL_SEED']) : randomSeed();
    const result = await runDrill({
      orders: 200,
      rate: 5,
      seed,
      schedule: { pauseAndRebalance: false, gapMinMs: 1_000, gapMaxMs: 4_000, downMinMs: 2_000, downMaxMs: 4_000, pauseMs: 0, holdMs: 0 },
      // Outages overlap (a service starting takes 20–60 s on this machine): the test stays within minutes.
      overlapKills: true,
      drainTimeoutMs: 150_000,
      settleTimeoutMs: 60_000,
      // Progress as it happens, so a slow run shows where it spends its time.
      log: (line) => process.stdout.write(`drill ${line}\n`),
    });
    const report = [describeDrill(result), ...result.timeline, ...result.violations.slice(0, 30)].join('\n');
    process.stdout.write(`${report}\n`);
    expect(result.violations, report).toEqual([]);
    expect(result.accepted, report).toBe(200);
    expect(result.notAccepted, report).toBe(0);
    // Every fault really happened (seven: five kills, two restarts).
    expect(result.timeline.filter((l) => / killed \(SIGKILL\)$/.test(l)), report).toHaveLength(5);
    expect(result.timeline.filter((l) => / healthy again$/.test(l)), report).toHaveLength(2);
    expect(await infraHealthy('kafka')).toBe(true);
    expect(await infraHealthy('postgres')).toBe(true);
  });
});
