// Issue 11's fault drills, against the dev shop (`make dev-up`, loadgen running) and the local
// Prometheus with the rendered rules loaded (test profile). For each fault: inject it, wait until
// the alert it is about is pending or firing, check that no unrelated page became active, undo
// it, and wait until the shop is healthy and the fault's signal is back to normal before the next.
// Prints the table fault → alert → seconds to pending. Timing is reported, never asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shopwatch/testkit';
import { PAGE_SEVERITY, activeAlerts, describe as describeAlert, loadedAlertRules, matches, unrelatedPages, type ActiveAlert } from './support/drills-alerts.ts';
import { DRILLS, withCheckoutLoad, type Drill } from './support/drills-catalogue.ts';
import { clearFaults, prepareFaults, startService, waitShopHealthy } from './support/drills-shop.ts';
import { drillTable, type DrillResult } from './support/drills-table.ts';

/** How long a fault may take to bring its alert to pending (windows of the test profile plus scrapes). */
const ALERT_TIMEOUT_MS = 180_000;
/** How long an alert left over from an earlier run may take to resolve before a drill starts. */
const LEFTOVER_TIMEOUT_MS = 240_000;
const RECOVERY_TIMEOUT_MS = 180_000;
/** How long pages left by earlier drills or tests may take to clear before a drill starts. */
const QUIET_TIMEOUT_MS = 150_000;

const results: DrillResult[] = [];
const faultedServices = [...new Set(DRILLS.flatMap((d) => d.faultsOf ?? []))];

async function runDrill(drill: Drill): Promise<DrillResult> {
  const result: DrillResult = { fault: drill.fault, alert: `${drill.expect.alert}{service=${drill.expect.service}}`, secondsToPending: undefined, secondsToRecover: undefined, unrelatedPages: [] };
  // A retried drill replaces its row.
  const earlier = results.findIndex((r) => r.fault === drill.fault);
  if (earlier >= 0) results.splice(earlier, 1, result);
  else results.push(result);
  await waitShopHealthy();
  // A new activation is what the drill times: an alert still active from an earlier run must end first.
  await waitFor(`${result.alert} not active before the drill`, async () => !(await activeAlerts()).some((a) => matches(a, drill.expect)), {
    timeoutMs: LEFTOVER_TIMEOUT_MS,
    intervalMs: 2_000,
  });

  // Pages left by an earlier drill or test (burn-rate windows of the test profile clear within
  // about two minutes) are let go before the clock starts; one that stays is reported and, having
  // begun before the fault, is not counted against it.
  const standing = await waitFor('no page active before the drill', async () => {
    const pages = (await activeAlerts()).filter((a) => a.severity === PAGE_SEVERITY);
    return pages.length === 0 ? pages : false;
  }, { timeoutMs: QUIET_TIMEOUT_MS, intervalMs: 2_000 }).catch(async () => (await activeAlerts()).filter((a) => a.severity === PAGE_SEVERITY));
  if (standing.length > 0) console.warn(`drill "${drill.fault}" starts with pages already active: ${standing.map(describeAlert).join('; ')}`);

  const unrelated = new Map<string, ActiveAlert>();
  const injectedAt = Date.now();
  try {
    await withCheckoutLoad(drill.checkoutLoad, async () => {
      try {
        await drill.inject();
        const reached = await waitFor(
          `${result.alert} pending or firing after: ${drill.fault}`,
          async () => {
            await drill.sustain?.();
            const alerts = await activeAlerts();
            for (const page of unrelatedPages(alerts, injectedAt, drill.blastRadius)) unrelated.set(describeAlert(page), page);
            return alerts.find((a) => matches(a, drill.expect) && a.activeAtMs >= injectedAt);
          },
          { timeoutMs: ALERT_TIMEOUT_MS, intervalMs: 1_000 },
        );
        result.secondsToPending = Math.max(0, reached.activeAtMs - injectedAt) / 1_000;
        // One more look: a page that became active together with the expected alert counts too.
        for (const page of unrelatedPages(await activeAlerts(), injectedAt, drill.blastRadius)) unrelated.set(describeAlert(page), page);
      } finally {
        await drill.undo();
      }
    });
  } finally {
    result.unrelatedPages = [...unrelated.keys()];
    const undoneAt = Date.now();
    await waitFor(`signal back to normal after: ${drill.fault}`, () => drill.recovered(), { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 2_000 });
    await waitShopHealthy();
    result.secondsToRecover = (Date.now() - undoneAt) / 1_000;
  }
  return result;
}

describe('fault drills: each fault brings its alert to pending, and pages nobody else', () => {
  beforeAll(async () => {
    await waitShopHealthy();
    const loaded = await loadedAlertRules();
    const missing = DRILLS.map((d) => d.expect.alert).filter((name) => !loaded.has(name));
    // Fails at once with the reason instead of nine timeouts: the rendered rules are not loaded.
    expect(missing, 'alert rules the drills need but Prometheus has not loaded (make dashboards, make dev-up)').toEqual([]);
    // A service started without a faults file is restarted once with one; then the shop settles.
    for (const name of faultedServices) await prepareFaults(name);
    for (const name of faultedServices) await clearFaults(name);
    await waitShopHealthy();
  });

  afterAll(async () => {
    // Whatever failed, leave the shop as the drills found it.
    for (const name of faultedServices) await clearFaults(name).catch(() => undefined);
    await startService('notifications').catch(() => undefined);
    await waitShopHealthy();
    console.log(`\nfault drills\n${drillTable(results)}\n`);
  });

  for (const drill of DRILLS) {
    it(`${drill.fault} → ${drill.expect.alert}`, { timeout: LEFTOVER_TIMEOUT_MS + QUIET_TIMEOUT_MS + ALERT_TIMEOUT_MS + RECOVERY_TIMEOUT_MS + 120_000 }, async () => {
      const result = await runDrill(drill);
      expect(result.secondsToPending, `${result.alert} reached pending`).toBeDefined();
      expect(result.unrelatedPages, 'pages about services outside the fault’s path').toEqual([]);
    });
  }
});
