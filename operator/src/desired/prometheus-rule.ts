// The PrometheusRule: SLI recording rules, error budget and burn rates, multi-window
// multi-burn-rate alerts, golden-signal alerts, ServiceDown and the resource's own alerts.
//
// Cost: each SLI reads raw series once, at the 5m base window. Every longer window is derived
// from the two 5m recording rules (error and total event rates) with sum_over_time, so a 30-day
// ratio costs a scan of one recorded series instead of a 30-day rate over every raw series.
import { dashboardUid, SLO_RECORDS } from '@shopwatch/dashboards';
import type { GoldenSignalsSpec, ServiceObservability, Slo } from '../api/v1alpha1.ts';
import type { OperatorSettings, SpecProblem } from './contract.ts';
import { outputNames, ownedMetadata, type OwnedObject } from './meta.ts';
import { checkRuleExpr, checkSelector, quote, withMatchers } from './promql.ts';
import { BASE_WINDOW, burnRateAlerts, durationSeconds, formatNumber, parseObjective, sliWindows } from './slo.ts';

export const HTTP_HISTOGRAM = 'http_server_request_duration_seconds';
export const EVENT_LOOP_LAG_P99 = 'nodejs_eventloop_lag_p99_seconds';
export const CONTAINER_RESTARTS = 'kube_pod_container_status_restarts_total';
/** Label value of `slo` on alerts that are not about an SLO, so every alert has the same label set. */
export const NO_SLO = 'none';

/** Recording-rule names, shared with the dashboards that read them. */
export const RECORD = SLO_RECORDS;

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<RecordingRule | AlertingRule>;
}

interface Context {
  namespace: string;
  service: string;
  dashboardUrl: string | undefined;
  runbookBaseUrl: string;
}

function matchers(entries: Array<[string, string, string?]>): string {
  return `{${entries.map(([name, value, op]) => `${name}${op ?? '='}${quote(value)}`).join(', ')}}`;
}

/** Prometheus 3 normalises integer `le` values to "1.0"; match both spellings for whole seconds. */
function leMatcher(thresholdSeconds: string): [string, string, string?] {
  const value = Number(thresholdSeconds);
  if (Number.isInteger(value)) return ['le', `${value}(\\.0)?`, '=~'];
  return ['le', String(value)];
}

/**
 * Every alert the operator can name has a page `docs/runbooks/<AlertName>.md`; the base URL says
 * where that folder is served (a docs site, or a repository's blob URL), so a link is the base
 * plus the file name. An alert's own `runbookUrl` wins.
 */
export function runbookUrl(runbookBaseUrl: string, alertName: string, explicit?: string): string {
  if (explicit) return explicit;
  return `${runbookBaseUrl.replace(/[#?].*$/, '').replace(/\/+$/, '')}/${alertName}.md`;
}

function annotations(ctx: Context, alertName: string, summary: string, description: string, explicitRunbook?: string): Record<string, string> {
  const out: Record<string, string> = { summary, description, runbook_url: runbookUrl(ctx.runbookBaseUrl, alertName, explicitRunbook) };
  if (ctx.dashboardUrl) out.dashboard_url = ctx.dashboardUrl;
  return out;
}

/** The two base-window recording expressions (error and total events per second) of an SLI. */
function sliBaseExprs(ctx: Context, slo: Slo): { errors: string; total: string } {
  const base: Array<[string, string, string?]> = [['namespace', ctx.namespace], ['service', ctx.service]];
  const rate = (selector: string) => `sum(rate(${selector}[${BASE_WINDOW}]))`;
  if (slo.availability) {
    const scoped = slo.availability.routes ? [...base, ['route', slo.availability.routes, '=~'] as [string, string, string]] : base;
    const errorCodes: [string, string, string] = ['status_code', slo.availability.errorStatusCodes ?? '5..', '=~'];
    // A service that never failed has no 5xx series at all; that is 0 errors, not "no data".
    return {
      errors: `${rate(`${HTTP_HISTOGRAM}_count${matchers([...scoped, errorCodes])}`)} or vector(0)`,
      total: rate(`${HTTP_HISTOGRAM}_count${matchers(scoped)}`),
    };
  }
  if (slo.latency) {
    const scoped = slo.latency.routes ? [...base, ['route', slo.latency.routes, '=~'] as [string, string, string]] : base;
    const total = rate(`${HTTP_HISTOGRAM}_count${matchers(scoped)}`);
    // No `or vector(0)` here: a threshold that is not a bucket bound yields no series, which the
    // SLOIndicatorMissing alert reports, instead of a silently perfect SLI.
    return { errors: `${total} - ${rate(`${HTTP_HISTOGRAM}_bucket${matchers([...scoped, leMatcher(slo.latency.thresholdSeconds)])}`)}`, total };
  }
  const ratio = slo.ratio as NonNullable<Slo['ratio']>;
  const scope = { namespace: ctx.namespace, service: ctx.service };
  const total = rate(withMatchers(ratio.total, scope));
  return { errors: `${total} - ${rate(withMatchers(ratio.good, scope))}`, total };
}

function sloGroups(ctx: Context, slo: Slo, resourceName: string): RuleGroup[] {
  const { target, budget } = parseObjective(slo.objective);
  const labels = { namespace: ctx.namespace, service: ctx.service, slo: slo.name };
  const sel = matchers(Object.entries(labels));
  const { errors, total } = sliBaseExprs(ctx, slo);
  const windows = sliWindows(slo.window);
  const alertWindows = windows.filter((w) => w !== slo.window);

  const sli: RecordingRule[] = [
    { record: RECORD.errorEvents, expr: errors, labels: { ...labels } },
    { record: RECORD.totalEvents, expr: total, labels: { ...labels } },
  ];
  const derive = (window: string): string =>
    window === BASE_WINDOW
      ? `${RECORD.errorEvents}${sel} / ${RECORD.totalEvents}${sel}`
      : `sum_over_time(${RECORD.errorEvents}${sel}[${window}]) / sum_over_time(${RECORD.totalEvents}${sel}[${window}])`;
  for (const window of alertWindows) sli.push({ record: RECORD.errorRatio(window), expr: derive(window), labels: { ...labels } });
  for (const window of alertWindows) {
    sli.push({ record: RECORD.burnRate(window), expr: `${RECORD.errorRatio(window)}${sel} / ${formatNumber(budget)}`, labels: { ...labels } });
  }

  const objectiveText = `${slo.objective}% over ${slo.window}`;
  const alerts: AlertingRule[] = burnRateAlerts(slo.window).map((a) => {
    const factor = formatNumber(a.factor);
    return {
      alert: 'SLOErrorBudgetBurn',
      expr: `${RECORD.burnRate(a.longWindow)}${sel} > ${factor} and ${RECORD.burnRate(a.shortWindow)}${sel} > ${factor}`,
      for: a.for,
      labels: { severity: a.severity, ...labels, long_window: a.longWindow, short_window: a.shortWindow },
      annotations: annotations(
        ctx,
        'SLOErrorBudgetBurn',
        `${ctx.service}: SLO ${slo.name} is burning its error budget ${a.action === 'page' ? 'fast' : 'steadily'}`,
        `The ${slo.name} SLO (${objectiveText}) of ${ctx.service} in ${ctx.namespace} burns its error budget at ` +
          `{{ $value | humanize }}x over ${a.longWindow} (threshold ${factor}x, also exceeded over ${a.shortWindow}). ` +
          `Sustained, a burn this fast spends at least ${Math.round(a.budgetShare * 100)}% of the ${slo.window} budget every ${a.longWindow}.`,
      ),
    };
  });
  alerts.push({
    alert: 'SLOIndicatorMissing',
    expr: `${RECORD.totalEvents}${sel} unless ${RECORD.errorEvents}${sel}`,
    for: '15m',
    labels: { severity: 'warning', ...labels },
    annotations: annotations(
      ctx,
      'SLOIndicatorMissing',
      `${ctx.service}: SLO ${slo.name} cannot be computed`,
      `${ctx.service} in ${ctx.namespace} has traffic but the error side of the ${slo.name} SLI returns no series ` +
        '(a latency threshold that is not a histogram bucket bound, or a good-events selector that matches nothing).',
    ),
  });

  const budgetRules: RecordingRule[] = [
    { record: RECORD.errorRatio(slo.window), expr: derive(slo.window), labels: { ...labels } },
    { record: RECORD.objective, expr: `vector(${formatNumber(target)})`, labels: { ...labels } },
    { record: RECORD.errorBudget, expr: `vector(${formatNumber(budget)})`, labels: { ...labels } },
    {
      record: RECORD.budgetRemaining,
      expr: `1 - ${RECORD.errorRatio(slo.window)}${sel} / ${formatNumber(budget)}`,
      labels: { ...labels },
    },
  ];

  return [
    { name: `${resourceName}.slo.${slo.name}`, rules: [...sli, ...alerts] },
    // The SLO-window ratio scans the longest range; a 5m cadence is plenty for a budget that
    // changes over weeks and keeps that scan ten times rarer than the alerting rules.
    { name: `${resourceName}.slo.${slo.name}.budget`, interval: '5m', rules: budgetRules },
  ];
}

function goldenSignalGroup(ctx: Context, spec: GoldenSignalsSpec, resourceName: string): RuleGroup {
  const labels = { namespace: ctx.namespace, service: ctx.service, slo: NO_SLO };
  const base: Array<[string, string, string?]> = [['namespace', ctx.namespace], ['service', ctx.service]];
  const errorRatio = spec.errorRatio ?? '0.05';
  const p99 = spec.latencyP99Seconds ?? '1';
  const lag = spec.eventLoopLagSeconds ?? '0.2';
  const restarts = spec.restarts ?? 3;
  const count = `${HTTP_HISTOGRAM}_count`;
  const rules: AlertingRule[] = [
    {
      alert: 'HTTPErrorRatioHigh',
      expr:
        `sum(rate(${count}${matchers([...base, ['status_code', '5..', '=~']])}[5m])) / ` +
        `sum(rate(${count}${matchers(base)}[5m])) > ${errorRatio}`,
      for: '10m',
      labels: { severity: 'warning', ...labels },
      annotations: annotations(
        ctx,
        'HTTPErrorRatioHigh',
        `${ctx.service}: more than ${formatNumber(Number(errorRatio) * 100)}% of requests fail`,
        `{{ $value | humanizePercentage }} of HTTP requests to ${ctx.service} in ${ctx.namespace} answered 5xx over the last 5 minutes.`,
      ),
    },
    {
      alert: 'HTTPLatencyP99High',
      expr: `histogram_quantile(0.99, sum by (le) (rate(${HTTP_HISTOGRAM}_bucket${matchers(base)}[5m]))) > ${p99}`,
      for: '10m',
      labels: { severity: 'warning', ...labels },
      annotations: annotations(
        ctx,
        'HTTPLatencyP99High',
        `${ctx.service}: p99 latency above ${p99}s`,
        `The 99th percentile of HTTP request duration of ${ctx.service} in ${ctx.namespace} is {{ $value | humanizeDuration }}.`,
      ),
    },
    {
      alert: 'EventLoopLagHigh',
      expr: `max(${EVENT_LOOP_LAG_P99}${matchers(base)}) > ${lag}`,
      for: '10m',
      labels: { severity: 'warning', ...labels },
      annotations: annotations(
        ctx,
        'EventLoopLagHigh',
        `${ctx.service}: event loop lag above ${lag}s`,
        `The p99 event-loop lag of ${ctx.service} in ${ctx.namespace} is {{ $value | humanizeDuration }}: ` +
          'the process is saturated (CPU-bound work or a blocking call) and every request waits.',
      ),
    },
    {
      alert: 'ContainerRestarting',
      // kube-state-metrics series carry the pod but not our service label; the service's own
      // scrape targets (`up`) tie pods to the service.
      expr:
        `sum by (namespace, pod) (increase(${CONTAINER_RESTARTS}${matchers([base[0] as [string, string]])}[15m])) >= ${restarts} ` +
        `and on (namespace, pod) max by (namespace, pod) (up${matchers(base)})`,
      labels: { severity: 'warning', service: ctx.service, slo: NO_SLO },
      annotations: annotations(
        ctx,
        'ContainerRestarting',
        `${ctx.service}: pod {{ $labels.pod }} keeps restarting`,
        `Containers of pod {{ $labels.pod }} (${ctx.service}) restarted {{ $value | humanize }} times in 15 minutes.`,
      ),
    },
  ];
  return { name: `${resourceName}.golden-signals`, rules };
}

/**
 * ServiceDown, for every resource whatever its other settings: none of the service's scrape
 * targets is up. `absent(up == 1)` also covers a service with no target at all (scaled to zero,
 * or a selector that matches no Service), where `sum(up) == 0` alone has no series to compare.
 * Both sides carry no labels, so the alert's own labels name the service.
 */
function serviceDownGroup(ctx: Context, resourceName: string): RuleGroup {
  const up = `up${matchers([['namespace', ctx.namespace], ['service', ctx.service]])}`;
  return {
    name: `${resourceName}.targets`,
    rules: [
      {
        alert: 'ServiceDown',
        expr: `sum(${up}) == 0 or absent(${up} == 1)`,
        for: '5m',
        labels: { severity: 'critical', namespace: ctx.namespace, service: ctx.service, slo: NO_SLO },
        annotations: annotations(
          ctx,
          'ServiceDown',
          `${ctx.service}: no scrape target is up`,
          `Prometheus has not scraped any instance of ${ctx.service} in ${ctx.namespace} successfully for 5 minutes: ` +
            'every pod is down or unreachable, or none exists (a Deployment scaled to zero, a Service selecting no pods).',
        ),
      },
    ],
  };
}

export interface RuleBuild {
  groups: RuleGroup[];
  problems: SpecProblem[];
}

function problem(reason: string, message: string): SpecProblem {
  return { condition: 'RulesReady', reason, message };
}

/**
 * Label regexes end up in PromQL matchers, which Prometheus compiles as RE2. JavaScript's engine
 * catches syntax errors; lookarounds and backreferences parse here but not in RE2, so they are
 * refused explicitly.
 */
function regexError(value: string): string | undefined {
  if (/\(\?<?[=!]/.test(value)) return 'lookahead and lookbehind are not supported by Prometheus (RE2)';
  if (/\\[1-9]/.test(value)) return 'backreferences are not supported by Prometheus (RE2)';
  try {
    new RegExp(value);
    return undefined;
  } catch (error) {
    return `not a valid regular expression (${(error as Error).message})`;
  }
}

function isDuration(value: string): boolean {
  try {
    durationSeconds(value);
    return true;
  } catch {
    return false;
  }
}

/** Checks everything the rules depend on; any problem means no PrometheusRule is produced. */
export function ruleProblems(resource: ServiceObservability): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const seenSlos = new Set<string>();
  (resource.spec.slos ?? []).forEach((slo, i) => {
    const path = `spec.slos[${i}]`;
    if (seenSlos.has(slo.name)) problems.push(problem('DuplicateName', `${path}.name: SLO ${JSON.stringify(slo.name)} is declared twice`));
    seenSlos.add(slo.name);
    try {
      parseObjective(slo.objective);
    } catch (error) {
      problems.push(problem('InvalidObjective', `${path}.objective: ${(error as Error).message}`));
    }
    const kinds = [slo.availability, slo.latency, slo.ratio].filter((k) => k !== undefined).length;
    if (kinds !== 1) problems.push(problem('InvalidSLI', `${path}: set exactly one of availability, latency or ratio (found ${kinds})`));
    if (slo.latency && !/^\d+(\.\d+)?$/.test(slo.latency.thresholdSeconds)) {
      problems.push(problem('InvalidSLI', `${path}.latency.thresholdSeconds: not a decimal number of seconds`));
    }
    const regexes: Array<[string, string | undefined]> = [
      ['availability.errorStatusCodes', slo.availability?.errorStatusCodes],
      ['availability.routes', slo.availability?.routes],
      ['latency.routes', slo.latency?.routes],
    ];
    for (const [field, value] of regexes) {
      const error = value === undefined ? undefined : regexError(value);
      if (error) problems.push(problem('InvalidRegex', `${path}.${field}: ${error}`));
    }
    if (slo.ratio) {
      for (const field of ['good', 'total'] as const) {
        const check = checkSelector(slo.ratio[field]);
        if (!check.ok) problems.push(problem('InvalidPromQL', `${path}.ratio.${field}: ${check.error}`));
      }
    }
  });
  const golden = resource.spec.goldenSignals ?? {};
  for (const field of ['errorRatio', 'latencyP99Seconds', 'eventLoopLagSeconds'] as const) {
    const value = golden[field];
    if (value !== undefined && !(/^\d+(\.\d+)?$/.test(value) && Number(value) > 0)) {
      problems.push(problem('InvalidThreshold', `spec.goldenSignals.${field}: ${JSON.stringify(value)} is not a positive decimal number`));
    }
  }
  if (golden.restarts !== undefined && !(Number.isInteger(golden.restarts) && golden.restarts > 0)) {
    problems.push(problem('InvalidThreshold', `spec.goldenSignals.restarts: ${golden.restarts} is not a positive whole number`));
  }
  const seenAlerts = new Set<string>();
  (resource.spec.alerts ?? []).forEach((alert, i) => {
    const path = `spec.alerts[${i}]`;
    if (seenAlerts.has(alert.name)) problems.push(problem('DuplicateName', `${path}.name: alert ${JSON.stringify(alert.name)} is declared twice`));
    seenAlerts.add(alert.name);
    const check = checkRuleExpr(alert.expr);
    if (!check.ok) problems.push(problem('InvalidPromQL', `${path}.expr: ${check.error}`));
    if (alert.for !== undefined && !isDuration(alert.for)) {
      problems.push(problem('InvalidDuration', `${path}.for: ${JSON.stringify(alert.for)} is not a Prometheus duration such as 5m`));
    }
  });
  return problems;
}

export function buildRuleGroups(resource: ServiceObservability, settings: OperatorSettings): RuleBuild {
  const problems = ruleProblems(resource);
  if (problems.length > 0) return { groups: [], problems };
  const spec = resource.spec;
  const name = resource.metadata.name;
  const dashboardEnabled = spec.dashboard?.enabled !== false;
  const ctx: Context = {
    namespace: resource.metadata.namespace,
    service: spec.service.name,
    dashboardUrl: dashboardEnabled
      ? `${settings.grafanaUrl.replace(/\/+$/, '')}/d/${dashboardUid(resource.metadata.namespace, name)}`
      : undefined,
    runbookBaseUrl: settings.runbookBaseUrl,
  };
  const groups: RuleGroup[] = [];
  for (const slo of spec.slos ?? []) groups.push(...sloGroups(ctx, slo, name));
  if (spec.goldenSignals?.enabled !== false) groups.push(goldenSignalGroup(ctx, spec.goldenSignals ?? {}, name));
  groups.push(serviceDownGroup(ctx, name));
  const custom = (spec.alerts ?? []).map<AlertingRule>((alert) => ({
    alert: alert.name,
    expr: alert.expr,
    for: alert.for ?? '5m',
    labels: { severity: alert.severity, service: ctx.service, slo: NO_SLO },
    annotations: annotations(ctx, alert.name, alert.summary, alert.description, alert.runbookUrl),
  }));
  if (custom.length > 0) groups.push({ name: `${name}.custom`, rules: custom });
  return { groups, problems: [] };
}

export function buildPrometheusRule(
  resource: ServiceObservability,
  settings: OperatorSettings,
): { object?: OwnedObject; problems: SpecProblem[] } {
  const { groups, problems } = buildRuleGroups(resource, settings);
  if (problems.length > 0) return { problems };
  return {
    object: {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: ownedMetadata(resource, settings, outputNames(resource).prometheusRule),
      spec: { groups },
    },
    problems: [],
  };
}
