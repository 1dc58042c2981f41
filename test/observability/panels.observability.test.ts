// Issue 11: every panel of every rendered dashboard, and every recording rule, has data in the
// running dev shop (`make test-observability`: dev shop up, loadgen driving it, the rendered
// rules loaded into the local Prometheus). A panel that has data only under a condition declares
// it (`requires`); the test creates each condition through the shop's own APIs and checks those
// panels under it. Cluster-only panels (kube-state-metrics) are counted and their queries
// accepted by Prometheus, not expected to have data. Prints the totals; missing must be 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shopwatch/testkit';
import { condition, CONDITIONS } from './support/panels-conditions.ts';
import { loadedRecordingRules, PromQLError, recordedSelector, seriesWithData } from './support/panels-prometheus.ts';
import { readDashboards, readManifest, substitute, type RenderedPanel } from './support/panels-rendered.ts';
import { devUrl, expectCall, waitReady } from './support/panels-shop.ts';

/** Every service the dev shop runs (scripts/dev/services.tsv). */
const SHOP = ['gateway', 'users', 'catalog', 'inventory', 'orders', 'payments', 'psp', 'shipping', 'notifications', 'support', 'analytics', 'storefront', 'loadgen'];
/** A panel in normal operation: the first rates need two scrapes after start, recording rules an evaluation. */
const DATA_TIMEOUT_MS = 240_000;
const CONDITION_TIMEOUT_MS = 120_000;
const CLUSTER = 'cluster';

const manifest = readManifest();
const dashboards = readDashboards();
const panels = dashboards.flatMap((d) => d.panels);

async function panelHasData(panel: RenderedPanel): Promise<boolean> {
  for (const expr of panel.exprs) {
    if ((await seriesWithData(substitute(expr, manifest.namespace))) === 0) return false;
  }
  return true;
}

/** Retries until the panel shows data; a query Prometheus refuses fails at once. */
async function waitPanelData(panel: RenderedPanel, timeoutMs: number, between?: () => Promise<void>): Promise<boolean> {
  let refused: PromQLError | undefined;
  const outcome = await waitFor(
    `${panel.dashboard}: ${panel.title} has data`,
    async () => {
      try {
        await between?.();
        return (await panelHasData(panel)) ? 'data' : false;
      } catch (error) {
        if (!(error instanceof PromQLError)) throw error;
        refused = error;
        return 'refused';
      }
    },
    { timeoutMs, intervalMs: 5_000 },
  ).catch(() => 'none');
  if (refused) throw refused;
  return outcome === 'data';
}

// api-reads is traffic people make all the time (page visits, operators reading loadgen): it runs
// in the background for the whole file, so the SLO rules of the services it reaches have minutes
// of data by the time their panels are checked.
let reading = true;
let reader: Promise<void> | undefined;

/** Every journey in the mix (an earlier file may have narrowed it), so every business panel gets traffic. */
const FULL_MIX = { browse: 40, search: 20, cart: 10, checkout: 20, signup: 5, support: 5 };
interface LoadgenControl {
  rate: number;
  paused: boolean;
  mix: Record<string, number>;
}
let loadgenBefore: LoadgenControl | undefined;

beforeAll(async () => {
  await waitReady(SHOP);
  loadgenBefore = (await expectCall(`${devUrl('loadgen')}/control`, [200])) as LoadgenControl;
  await expectCall(`${devUrl('loadgen')}/control`, [200], { method: 'PUT', body: { paused: false, rate: Math.max(2, loadgenBefore.rate), mix: FULL_MIX } });
  const reads = condition('api-reads');
  reader = (async () => {
    while (reading) {
      await reads.act().catch(() => undefined); // a missed round is made up by the next one
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  })();
});

afterAll(async () => {
  reading = false;
  await reader;
  if (loadgenBefore) {
    const { rate, paused, mix } = loadgenBefore;
    await expectCall(`${devUrl('loadgen')}/control`, [200], { method: 'PUT', body: { rate, paused, mix } });
  }
  await waitReady(SHOP);
});

describe('every rendered panel has data', () => {
  it('names only conditions the test knows', () => {
    const unknown = [...new Set(panels.map((p) => p.requires).filter((r): r is string => r !== undefined && r !== CLUSTER))].filter(
      (r) => !CONDITIONS.some((c) => c.name === r),
    );
    expect(unknown).toEqual([]);
  });

  it('every panel query returns data (conditional panels under their condition)', async () => {
    const missing: string[] = [];
    const withData: string[] = [];
    const conditional = new Map<string, RenderedPanel[]>();
    for (const panel of panels) {
      if (panel.requires === undefined) continue;
      conditional.set(panel.requires, [...(conditional.get(panel.requires) ?? []), panel]);
    }

    // Normal operation first: loadgen's traffic only.
    for (const panel of panels.filter((p) => p.requires === undefined)) {
      if (await waitPanelData(panel, DATA_TIMEOUT_MS)) withData.push(panel.title);
      else missing.push(`${panel.dashboard}: ${panel.title}`);
    }

    // Cluster-only: Prometheus accepts the query; data needs kube-state-metrics.
    for (const panel of conditional.get(CLUSTER) ?? []) {
      for (const expr of panel.exprs) await seriesWithData(substitute(expr, manifest.namespace));
    }

    // Each condition: ready before, act until its panels show data, ready after.
    const byCondition: Record<string, string> = {};
    for (const [name, needing] of conditional) {
      if (name === CLUSTER) continue;
      const cond = condition(name);
      await waitReady(cond.uses);
      let proven = 0;
      for (const panel of needing) {
        if (await waitPanelData(panel, CONDITION_TIMEOUT_MS, () => cond.act())) proven++;
        else missing.push(`${panel.dashboard}: ${panel.title} (under ${name})`);
      }
      await waitReady(cond.uses);
      byCondition[name] = `${proven}/${needing.length}`;
    }

    const clusterOnly = conditional.get(CLUSTER)?.length ?? 0;
    const faultOnly = panels.length - clusterOnly - panels.filter((p) => p.requires === undefined).length;
    console.log(
      `panels: total=${panels.length} with_data=${withData.length + Object.values(byCondition).reduce((n, v) => n + Number(v.split('/')[0]), 0)} ` +
        `fault_only=${faultOnly} cluster_only=${clusterOnly} missing=${missing.length} dashboards=${dashboards.length}`,
    );
    console.log(`panels under a condition: ${Object.entries(byCondition).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    expect(missing).toEqual([]);
  }, 600_000);
});

describe('every recording rule has data', () => {
  it('Prometheus loaded every rendered rule file and each recorded series has data', async () => {
    const ours = (await loadedRecordingRules()).filter((r) => r.file.includes('/prometheus/rules/'));
    const files = new Set(ours.map((r) => r.file.replace(/^.*\//, '')));
    expect([...files].sort()).toEqual(manifest.rules.map((r) => r.replace(/^rules\//, '')).sort());
    const missing: string[] = [];
    for (const rule of ours) {
      const selector = recordedSelector(rule);
      const ok = await waitFor(`${rule.group}: ${selector} has data`, async () => rule.health !== 'err' && (await seriesWithData(selector)) > 0, {
        timeoutMs: DATA_TIMEOUT_MS,
        intervalMs: 5_000,
      }).catch(() => false);
      if (!ok) missing.push(`${rule.group}: ${selector}${rule.lastError ? ` (${rule.lastError})` : ''}`);
    }
    console.log(`recording rules: total=${ours.length} with_data=${ours.length - missing.length} missing=${missing.length}`);
    expect(missing).toEqual([]);
  }, 600_000);
});
