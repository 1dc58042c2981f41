// `make drill`: issue 12's drill at full size. DRILL_ORDERS orders (default 10 000) through the
// gateway at DRILL_RATE orders/s (default 15) while every saga service is killed once, Kafka and
// PostgreSQL are restarted, payments is paused (a backlog behind its relay) and a second replica
// joins and leaves a consumer group. DRILL_SEED replays a schedule (the seed is printed);
// DRILL_INFRA_RESTARTS=0 leaves the shared Kafka and PostgreSQL alone (only the drill's own
// processes are disturbed).
// Prints the fault timeline and one `bench drill: …` line; exit status 1 on any violation.
// Disruptive: it restarts the shared local Kafka and PostgreSQL.
import { describeDrill, randomSeed, runDrill } from './drill.ts';

const orders = Number(process.env['DRILL_ORDERS'] ?? 10_000);
const rate = Number(process.env['DRILL_RATE'] ?? 15);
const seed = process.env['DRILL_SEED'] ? Number(process.env['DRILL_SEED']) : randomSeed();
if (!(orders > 0 && rate > 0 && Number.isInteger(seed))) {
  process.stderr.write('DRILL_ORDERS and DRILL_RATE must be positive numbers, DRILL_SEED an integer\n');
  process.exit(2);
}
const say = (line: string) => process.stdout.write(`${line}\n`);

// Spread the nine faults over the placing window: what they take themselves (restarts, the
// pause, the replica; ~170 s on this machine) is left out of the gaps between them.
const windowMs = (orders / rate) * 1000;
const gapMs = Math.max(2_000, (windowMs * 0.85 - 170_000) / 9);
const result = await runDrill({
  orders,
  rate,
  seed,
  schedule: {
    pauseAndRebalance: true,
    gapMinMs: Math.round(gapMs * 0.5),
    gapMaxMs: Math.round(gapMs * 1.5),
    downMinMs: 2_000,
    downMaxMs: 6_000,
    // Longer than orders' step timeout (15 s), shorter than the consumer session (30 s): commands
    // are re-sent while the backlog builds, and the group does not evict the paused member.
    pauseMs: 20_000,
    holdMs: 15_000,
    infraRestarts: process.env['DRILL_INFRA_RESTARTS'] !== '0',
  },
  drainTimeoutMs: 20 * 60_000,
  log: (line) => say(`${new Date().toISOString()} ${line}`),
});
say('fault timeline:');
for (const line of result.timeline) say(`  ${line}`);
if (result.crashes.length > 0) {
  say(`services that exited on their own (${result.crashes.length}; restarted by the drill, as Kubernetes would):`);
  for (const line of result.crashes) say(`  ${line}`);
}
if (result.violations.length > 0) {
  say(`violations (${result.violations.length}, first 50):`);
  for (const line of result.violations.slice(0, 50)) say(`  ${line}`);
}
say(describeDrill(result));
process.exitCode = result.violations.length === 0 ? 0 : 1;
// Kafka clients made for set-up may keep the event loop alive: leave with the status.
process.exit();
