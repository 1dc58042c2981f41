// promtool test groups for every alert the operator renders for one spec: a case where the alert
// fires (labels and annotations checked) and one where it must not (just below its threshold),
// each built from what the alert is about — an error ratio of 1.5× the burn threshold, a p99 in
// a bucket above the latency limit — and the SLO arithmetic of docs/slo-math.md, written out here
// independently of the builder. Custom alerts have hand-written cases in cases/<AlertName>.yaml.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardUid } from '@shopwatch/dashboards';
import { parse } from 'yaml';
import type { ServiceObservability, Slo } from '../../src/api/v1alpha1.ts';
import type { AlertingRule } from '../../src/desired/prometheus-rule.ts';
import { errorRatio, formatNumber, httpRequests, inputSeries, PER_MINUTE, sloTraffic, type Series } from './series.ts';
import { SETTINGS, type RenderedSpec } from './specs.ts';

const CASE_DIR = join(import.meta.dirname, 'cases');

/** The multi-window multi-burn-rate table (docs/slo-math.md): factor = budget share × window / long window. */
const PAIRS = {
  '30d': [
    { long: '1h', short: '5m', factor: 14.4, forMinutes: 2, severity: 'critical' },
    { long: '6h', short: '30m', factor: 6, forMinutes: 15, severity: 'critical' },
    { long: '1d', short: '2h', factor: 3, forMinutes: 60, severity: 'warning' },
    { long: '3d', short: '6h', factor: 1, forMinutes: 180, severity: 'warning' },
  ],
  '28d': [
    { long: '1h', short: '5m', factor: 13.44, forMinutes: 2, severity: 'critical' },
    { long: '6h', short: '30m', factor: 5.6, forMinutes: 15, severity: 'critical' },
    { long: '1d', short: '2h', factor: 2.8, forMinutes: 60, severity: 'warning' },
    { long: '3d', short: '6h', factor: 28 / 30, forMinutes: 180, severity: 'warning' },
  ],
} as const;

export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
export interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}
export interface TestGroup {
  interval: string;
  input_series: Array<{ series: string; values: string }>;
  alert_rule_test: AlertTest[];
}

/**
 * One promtool test group and what it needs: the rule group holding the alert under test (each
 * group is self-contained, so a case loads only its own and the run stays short) and the rule
 * evaluation interval in minutes (5 for the slow burn-rate pairs, whose `for` is 1h and 3h).
 */
export interface Case {
  what: string;
  ruleGroup: string;
  step: 1 | 5;
  group: TestGroup;
}

export interface SpecCases {
  groups: Case[];
  /** Coverage keys (see alertKey) of alerts that fire in some case. */
  fired: Set<string>;
  /** Coverage keys of alerts that cannot fire, with the reason. */
  unreachable: Map<string, string>;
  /** Custom alerts without a case file, or whose file lacks a firing or a quiet case. */
  problems: string[];
}

export function alertKey(alert: string, labels: Record<string, string>): string {
  return [alert, labels['slo'] ?? 'none', labels['long_window'] ?? ''].join('/');
}

function budgetOf(slo: Slo): number {
  return (100 - Number(slo.objective)) / 100;
}

// --- $value rendering as Prometheus' template functions do it (Go's %.4g) ---
function g4(value: number): string {
  if (value === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(4)))));
  if (exponent < -4 || exponent >= 4) throw new Error(`no %.4g rendering here for ${value}`);
  return String(Number(value.toPrecision(4)));
}
function humanize(value: number): string {
  if (Math.abs(value) >= 1 && Math.abs(value) < 1000) return g4(value);
  if (value === 0) return '0';
  let v = value;
  let prefix = '';
  for (const p of ['m', 'u', 'n']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  if (Math.abs(v) >= 1000 || Math.abs(v) < 1) throw new Error(`no humanize rendering here for ${value}`);
  return `${g4(v)}${prefix}`;
}
function humanizeDuration(value: number): string {
  if (value >= 60) throw new Error(`no humanizeDuration rendering here for ${value}`);
  if (value >= 1) return `${g4(value)}s`;
  return `${humanize(value)}s`;
}

/** Expands the annotation templates the operator uses; anything else fails loudly. */
function expand(template: string, value: number, labels: Record<string, string>): string {
  const out = template
    .replaceAll('{{ $value | humanize }}', humanize(value))
    .replaceAll('{{ $value | humanizePercentage }}', `${g4(value * 100)}%`)
    .replaceAll('{{ $value | humanizeDuration }}', humanizeDuration(value))
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '');
  if (out.includes('{{')) throw new Error(`unexpected template in ${template}`);
  return out;
}

/** runbook_url and dashboard_url as the links must read, from the settings and the spec. */
function links(resource: ServiceObservability, alert: string, explicitRunbook?: string): Record<string, string> {
  const out: Record<string, string> = { runbook_url: explicitRunbook ?? `${SETTINGS.runbookBaseUrl}/${alert}.md` };
  if (resource.spec.dashboard?.enabled !== false) {
    out['dashboard_url'] = `${SETTINGS.grafanaUrl}/d/${dashboardUid(resource.metadata.namespace, resource.metadata.name)}`;
  }
  return out;
}

function expected(spec: RenderedSpec, rule: AlertingRule, labels: Record<string, string>, value: number, explicitRunbook?: string): ExpectedAlert {
  const annotations: Record<string, string> = {};
  for (const [name, template] of Object.entries(rule.annotations)) annotations[name] = expand(template, value, labels);
  return { exp_labels: labels, exp_annotations: { ...annotations, ...links(spec.resource, rule.alert, explicitRunbook) } };
}

function ruleFor(spec: RenderedSpec, alert: string, slo?: string, longWindow?: string): AlertingRule {
  const found = spec.alerts.find(
    (r) => r.alert === alert && (slo === undefined || r.labels['slo'] === slo) && (longWindow === undefined || r.labels['long_window'] === longWindow),
  );
  if (!found) throw new Error(`${spec.source}: no rendered ${alert} ${slo ?? ''} ${longWindow ?? ''}`);
  return found;
}

function groupOf(spec: RenderedSpec, rule: AlertingRule): string {
  const group = spec.groups.find((g) => g.rules.includes(rule));
  if (!group) throw new Error(`${spec.source}: ${rule.alert} is in no group`);
  return group.name;
}

function minutes(n: number): string {
  return `${n}m`;
}

/**
 * The SLO's burn-rate alerts expected at `evalMinutes` over stationary traffic that started at
 * minute 0: the burn (error ratio / budget) from the model, each pair firing when the burn is
 * above its factor and the condition — true from the first evaluation after minute 0, when rate()
 * has two samples — has held for its `for`. Cases stay well clear of every edge; a close call throws.
 */
function expectedBurns(spec: RenderedSpec, slo: Slo, traffic: Series[], evalMinutes: number, step: number): ExpectedAlert[] {
  const out: ExpectedAlert[] = [];
  {
    const ratio = errorRatio(spec.resource, slo, traffic);
    if (ratio === undefined) throw new Error(`${spec.source} ${slo.name}: the scenario has no SLI`);
    const burn = ratio / budgetOf(slo);
    for (const pair of PAIRS[slo.window]) {
      if (burn > 0 && Math.abs(burn / pair.factor - 1) < 0.05) throw new Error(`${spec.source} ${slo.name}: burn ${burn} too close to ${pair.factor}`);
      const held = evalMinutes - step - pair.forMinutes;
      if (Math.abs(held) < 2 * step) throw new Error(`${spec.source} ${slo.name}: minute ${evalMinutes} too close to the for of ${pair.long}`);
      if (burn > pair.factor && held >= 0) {
        const labels = {
          severity: pair.severity,
          namespace: spec.resource.metadata.namespace,
          service: spec.resource.spec.service.name,
          slo: slo.name,
          long_window: pair.long,
          short_window: pair.short,
        };
        out.push(expected(spec, ruleFor(spec, 'SLOErrorBudgetBurn', slo.name, pair.long), labels, burn));
      }
    }
  }
  return out;
}

function sloCases(spec: RenderedSpec, slo: Slo, cases: SpecCases): void {
  const budget = budgetOf(slo);
  const maxBurn = 1 / budget;
  const base = { namespace: spec.resource.metadata.namespace, service: spec.resource.spec.service.name, slo: slo.name };
  const burnGroup = groupOf(spec, ruleFor(spec, 'SLOErrorBudgetBurn', slo.name));
  PAIRS[slo.window].forEach((pair, i) => {
    const step = pair.forMinutes >= 60 ? 5 : 1;
    const evalMinutes = pair.forMinutes + 10 + step;
    const scenario = (what: string, burn: number) => {
      const traffic = sloTraffic(spec.resource, slo, burn * budget);
      const exp = expectedBurns(spec, slo, traffic, evalMinutes, step);
      for (const e of exp) cases.fired.add(alertKey('SLOErrorBudgetBurn', e.exp_labels));
      cases.groups.push({
        what: `${slo.name} ${pair.long}/${pair.short}: ${what}`,
        ruleGroup: burnGroup,
        step,
        group: {
          interval: '1m',
          input_series: inputSeries(traffic, evalMinutes),
          alert_rule_test: [{ eval_time: minutes(evalMinutes), alertname: 'SLOErrorBudgetBurn', exp_alerts: exp }],
        },
      });
    };
    if (pair.factor < maxBurn * 0.95) {
      // Above this pair's factor but below the next faster pair's, so the case isolates it.
      const above = i === 0 ? Math.min(pair.factor * 1.5, (pair.factor + maxBurn) / 2) : pair.factor * 1.5;
      scenario(`burn ${formatNumber(above)}x fires`, above);
      scenario(`burn ${formatNumber(pair.factor * 0.9)}x (0.9 of the factor) does not`, pair.factor * 0.9);
    } else {
      cases.unreachable.set(
        alertKey('SLOErrorBudgetBurn', { ...base, long_window: pair.long }),
        `objective ${slo.objective}%: even 100% errors burn only ${formatNumber(maxBurn)}x, below the factor ${formatNumber(pair.factor)}`,
      );
      scenario('every event failing does not reach the factor', maxBurn);
    }
  });

  // SLOIndicatorMissing: traffic, but the error side of the SLI has no series.
  const missingKey = alertKey('SLOIndicatorMissing', base);
  const rule = ruleFor(spec, 'SLOIndicatorMissing', slo.name);
  if (slo.availability) {
    // The closest an availability SLI comes: traffic and not one error series. It stays quiet.
    cases.unreachable.set(missingKey, 'availability SLIs record `… or vector(0)` errors: the error side always exists');
    const clean = sloTraffic(spec.resource, slo, 0).filter((s) => s.perMinute > 0);
    cases.groups.push({
      what: `${slo.name}: traffic without a single error series keeps SLOIndicatorMissing quiet`,
      ruleGroup: groupOf(spec, rule),
      step: 1,
      group: { interval: '1m', input_series: inputSeries(clean, 25), alert_rule_test: [{ eval_time: '25m', alertname: 'SLOIndicatorMissing', exp_alerts: [] }] },
    });
    return;
  }
  const evalMinutes = 25;
  const missing = sloTraffic(spec.resource, slo, 0, true);
  if (errorRatio(spec.resource, slo, missing) !== undefined) throw new Error(`${spec.source} ${slo.name}: could not take the good side away`);
  cases.fired.add(missingKey);
  cases.groups.push({
    what: `${slo.name}: no good-side series fires SLOIndicatorMissing`,
    ruleGroup: groupOf(spec, rule),
    step: 1,
    group: {
      interval: '1m',
      input_series: inputSeries(missing, evalMinutes),
      alert_rule_test: [
        { eval_time: minutes(evalMinutes), alertname: 'SLOIndicatorMissing', exp_alerts: [expected(spec, rule, { severity: 'warning', ...base }, 0)] },
      ],
    },
  });
  cases.groups.push({
    what: `${slo.name}: with the good side present SLOIndicatorMissing stays quiet`,
    ruleGroup: groupOf(spec, rule),
    step: 1,
    group: {
      interval: '1m',
      input_series: inputSeries(sloTraffic(spec.resource, slo, 0.001), evalMinutes),
      alert_rule_test: [{ eval_time: minutes(evalMinutes), alertname: 'SLOIndicatorMissing', exp_alerts: [] }],
    },
  });
}

function goldenCases(spec: RenderedSpec, cases: SpecCases): void {
  const golden = spec.resource.spec.goldenSignals ?? {};
  if (golden.enabled === false) return;
  const namespace = spec.resource.metadata.namespace;
  const service = spec.resource.spec.service.name;
  const base = { namespace, service };
  const labels = { severity: 'warning', namespace, service, slo: 'none' };
  const evalMinutes = 20; // the golden-signal alerts hold for 10m; the condition is true from minute 1
  const pair = (
    alert: string,
    firing: { what: string; series: Series[]; value: number },
    quiet: { what: string; series: Series[] },
    firingLabels: Record<string, string> = labels,
  ) => {
    const rule = ruleFor(spec, alert);
    cases.fired.add(alertKey(alert, firingLabels));
    for (const [what, series, exp] of [
      [firing.what, firing.series, [expected(spec, rule, firingLabels, firing.value)]],
      [quiet.what, quiet.series, []],
    ] as const) {
      cases.groups.push({
        what: `${alert}: ${what}`,
        ruleGroup: groupOf(spec, rule),
        step: 1,
        group: { interval: '1m', input_series: inputSeries(series, evalMinutes), alert_rule_test: [{ eval_time: minutes(evalMinutes), alertname: alert, exp_alerts: [...exp] }] },
      });
    }
  };

  const errorLimit = Number(golden.errorRatio ?? '0.05');
  const failing = (share: number) => [
    ...httpRequests(base, '/items', '200', 0.005, PER_MINUTE * (1 - share)),
    ...httpRequests(base, '/items', '503', 0.005, PER_MINUTE * share),
  ];
  const high = Math.min(errorLimit * 2, (errorLimit + 1) / 2);
  pair('HTTPErrorRatioHigh', { what: `${formatNumber(high * 100)}% 5xx fires`, series: failing(high), value: high }, { what: `${formatNumber(errorLimit * 90)}% 5xx does not`, series: failing(errorLimit * 0.9) });

  // Every request in one bucket (lo, hi]: histogram_quantile interpolates p99 = lo + 0.99 (hi − lo).
  const p99Limit = Number(golden.latencyP99Seconds ?? '1');
  const bounds = [0.8, 0.91, 1, 1.5, 2].map((f) => f * p99Limit);
  const p99 = (lo: number, hi: number) => lo + 0.99 * (hi - lo);
  pair(
    'HTTPLatencyP99High',
    { what: 'p99 at 2x the limit fires', series: httpRequests(base, '/items', '200', 1.8 * p99Limit, PER_MINUTE, bounds), value: p99(1.5 * p99Limit, 2 * p99Limit) },
    { what: 'p99 at 0.91 of the limit does not', series: httpRequests(base, '/items', '200', 0.9 * p99Limit, PER_MINUTE, bounds) },
  );

  const lagLimit = Number(golden.eventLoopLagSeconds ?? '0.2');
  const lag = (seconds: number): Series[] => [{ metric: 'nodejs_eventloop_lag_p99_seconds', labels: { ...base, pod: `${service}-0` }, perMinute: seconds, gauge: true }];
  pair('EventLoopLagHigh', { what: 'lag at 2x the limit fires', series: lag(2 * lagLimit), value: 2 * lagLimit }, { what: 'lag at 0.9 of the limit does not', series: lag(0.9 * lagLimit) });

  // One restart a minute is 15 in the 15m window. The quiet case: flat for 9 minutes, then
  // `restarts - 1` single restarts, all inside the window at minute 20.
  const restarts = golden.restarts ?? 3;
  const pod = `${service}-0`;
  const up: Series = { metric: 'up', labels: { ...base, pod }, perMinute: 1, gauge: true };
  const crashLoop: Series = { metric: 'kube_pod_container_status_restarts_total', labels: { namespace, pod, container: service }, perMinute: 1 };
  const fewer = [...Array<number>(9).fill(0), ...Array.from({ length: 12 }, (_, i) => Math.min(i + 1, restarts - 1))].join(' ');
  pair(
    'ContainerRestarting',
    { what: 'a restart a minute fires', series: [up, crashLoop], value: 15 },
    { what: `${restarts - 1} restarts in 15m do not`, series: [up, { ...crashLoop, values: fewer }] },
    { severity: 'warning', service, slo: 'none', namespace, pod },
  );
}

function serviceDownCases(spec: RenderedSpec, cases: SpecCases): void {
  const namespace = spec.resource.metadata.namespace;
  const service = spec.resource.spec.service.name;
  const rule = ruleFor(spec, 'ServiceDown');
  const labels = { severity: 'critical', namespace, service, slo: 'none' };
  const up = (pod: string, value: number): Series => ({ metric: 'up', labels: { namespace, service, pod }, perMinute: value, gauge: true });
  cases.fired.add(alertKey('ServiceDown', labels));
  cases.groups.push({
    what: 'ServiceDown: every target down for 12m fires',
    ruleGroup: groupOf(spec, rule),
    step: 1,
    group: { interval: '1m', input_series: inputSeries([up('a', 0), up('b', 0)], 12), alert_rule_test: [{ eval_time: '12m', alertname: 'ServiceDown', exp_alerts: [expected(spec, rule, labels, 0)] }] },
  });
  cases.groups.push({
    what: 'ServiceDown: one target of two up does not',
    ruleGroup: groupOf(spec, rule),
    step: 1,
    group: { interval: '1m', input_series: inputSeries([up('a', 0), up('b', 1)], 12), alert_rule_test: [{ eval_time: '12m', alertname: 'ServiceDown', exp_alerts: [] }] },
  });
}

interface CaseFile {
  alert: string;
  tests: TestGroup[];
}

/** Hand-written cases of a custom alert; the links are added here so the files stay readable. */
function customCases(spec: RenderedSpec, rule: AlertingRule, cases: SpecCases): void {
  // cases/<origin>/<AlertName>.yaml when the examples and the chart define the alert differently,
  // cases/<AlertName>.yaml when both render the same rule.
  const relative = [`${spec.origin}/${rule.alert}.yaml`, `${rule.alert}.yaml`].find((f) => existsSync(join(CASE_DIR, f)));
  if (!relative) {
    cases.problems.push(`${spec.source}: custom alert ${rule.alert} has no case file in operator/test/rules/cases/`);
    return;
  }
  const content = parse(readFileSync(join(CASE_DIR, relative), 'utf8')) as CaseFile;
  if (content.alert !== rule.alert) cases.problems.push(`cases/${relative} declares alert ${content.alert}`);
  const explicit = spec.resource.spec.alerts?.find((a) => a.name === rule.alert)?.runbookUrl;
  let firing = false;
  let quiet = false;
  for (const group of content.tests) {
    for (const test of group.alert_rule_test) {
      if (test.alertname !== rule.alert) continue;
      if (test.exp_alerts.length === 0) quiet = true;
      for (const exp of test.exp_alerts) {
        firing = true;
        exp.exp_annotations = { ...exp.exp_annotations, ...links(spec.resource, rule.alert, explicit) };
      }
    }
    cases.groups.push({ what: `${rule.alert}: cases/${relative}`, ruleGroup: groupOf(spec, rule), step: 1, group });
  }
  if (firing) cases.fired.add(alertKey(rule.alert, rule.labels));
  if (!firing || !quiet) cases.problems.push(`cases/${relative} needs a case where it fires and one where it must not`);
}

export function casesFor(spec: RenderedSpec): SpecCases {
  const cases: SpecCases = { groups: [], fired: new Set(), unreachable: new Map(), problems: [] };
  for (const slo of spec.resource.spec.slos ?? []) sloCases(spec, slo, cases);
  goldenCases(spec, cases);
  serviceDownCases(spec, cases);
  for (const custom of spec.resource.spec.alerts ?? []) customCases(spec, ruleFor(spec, custom.name), cases);
  return cases;
}
