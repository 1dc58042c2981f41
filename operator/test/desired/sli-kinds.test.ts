// The latency and ratio SLIs, the missing-indicator alert and the golden-signal alerts under
// promtool: the recorded expressions must compute what the docs say from realistic series.
import { describe, expect, it } from 'vitest';
import type { ServiceObservability, Slo } from '../../src/api/v1alpha1.ts';
import { buildRuleGroups, type RuleGroup } from '../../src/desired/prometheus-rule.ts';
import { checkoutResource, settings } from './fixtures.ts';
import { counterSeries, promtoolPath, runPromtool, type Phase } from './promtool.ts';

const promtool = promtoolPath();

function resourceWith(slos: Slo[], goldenSignals = false): ServiceObservability {
  const resource = checkoutResource();
  resource.spec.slos = slos;
  resource.spec.alerts = [];
  resource.spec.goldenSignals = goldenSignals ? {} : { enabled: false };
  return resource;
}

function withoutAnnotations(groups: RuleGroup[]): RuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map((r) => ('alert' in r ? { ...r, annotations: {} } : r)) }));
}

interface InputSeries {
  series: string;
  values: string;
}

function run(resource: ServiceObservability, inputSeries: InputSeries[], tests: { alerts?: unknown[]; exprs?: unknown[] }) {
  const built = buildRuleGroups(resource, settings);
  expect(built.problems).toEqual([]);
  const result = runPromtool(['test', 'rules', 'test.yaml'], {
    'rules.yaml': { groups: withoutAnnotations(built.groups) },
    'test.yaml': {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: inputSeries, alert_rule_test: tests.alerts ?? [], promql_expr_test: tests.exprs ?? [] }],
    },
  });
  expect(result.output).toContain('SUCCESS');
  expect(result.status).toBe(0);
}

const SCOPE = 'namespace="shop",service="orders"';
const HIST = 'http_server_request_duration_seconds';

/** A histogram where `errorShare` of the requests are slower than 0.3 s (the rest take ≤ 0.1 s). */
function latencySeries(phases: Phase[]): InputSeries[] {
  const fast = counterSeries(phases).good;
  const total = counterSeries(phases.map((p) => ({ ...p, errorShare: 0 }))).good;
  const route = `${SCOPE},route="/api/orders",method="GET"`;
  return [
    { series: `${HIST}_bucket{${route},le="0.1"}`, values: fast },
    { series: `${HIST}_bucket{${route},le="0.3"}`, values: fast },
    { series: `${HIST}_bucket{${route},le="1"}`, values: total },
    { series: `${HIST}_bucket{${route},le="+Inf"}`, values: total },
    { series: `${HIST}_count{${route},status_code="200"}`, values: total },
  ];
}

function burnAlert(slo: string, long: string, short: string, severity = 'critical') {
  return { exp_labels: { severity, namespace: 'shop', service: 'orders', slo, long_window: long, short_window: short } };
}

describe.skipIf(!promtool)('SLI kinds and golden signals (promtool test rules)', { timeout: 60_000 }, () => {
  it('latency SLI: slow requests past the threshold burn the budget and page', () => {
    // 99% over 28d: budget 0.01, all requests slow = 100x. 100 × (t − 2.5) / 60 > 13.44 from t ≈ 11, plus 2m.
    const resource = resourceWith([{ name: 'latency', objective: '99', window: '28d', latency: { thresholdSeconds: '0.3' } }]);
    run(resource, latencySeries([{ minutes: 360, errorShare: 0 }, { minutes: 30, errorShare: 1 }]), {
      alerts: [
        { eval_time: '370m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] },
        { eval_time: '373m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [burnAlert('latency', '1h', '5m')] },
        { eval_time: '380m', alertname: 'SLOIndicatorMissing', exp_alerts: [] },
      ],
      exprs: [
        {
          expr: 'slo:sli_error:ratio_rate5m',
          eval_time: '390m',
          exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{namespace="shop",service="orders",slo="latency"}', value: 1 }],
        },
      ],
    });
  });

  it('latency SLI on whole seconds matches Prometheus 2 and 3 spellings of le', () => {
    const resource = resourceWith([{ name: 'latency', objective: '99', window: '28d', latency: { thresholdSeconds: '1' } }]);
    run(resource, latencySeries([{ minutes: 60, errorShare: 0.5 }]), {
      exprs: [
        {
          // Nothing is slower than 1 s in these series: the error ratio is 0, not "no data".
          expr: 'slo:sli_error:ratio_rate5m',
          eval_time: '60m',
          exp_samples: [{ labels: 'slo:sli_error:ratio_rate5m{namespace="shop",service="orders",slo="latency"}', value: 0 }],
        },
      ],
    });
  });

  it('a latency threshold that is no bucket bound raises SLOIndicatorMissing instead of a perfect SLI', () => {
    const resource = resourceWith([{ name: 'latency', objective: '99', window: '28d', latency: { thresholdSeconds: '0.25' } }]);
    run(resource, latencySeries([{ minutes: 60, errorShare: 0 }]), {
      alerts: [
        { eval_time: '10m', alertname: 'SLOIndicatorMissing', exp_alerts: [] },
        {
          eval_time: '20m',
          alertname: 'SLOIndicatorMissing',
          exp_alerts: [{ exp_labels: { severity: 'warning', namespace: 'shop', service: 'orders', slo: 'latency' } }],
        },
      ],
    });
  });

  it('ratio SLI: good and total counters of the service, scoped by the builder', () => {
    // 99.9% over 30d: budget 0.001; every order failing burns at 1000x: 1000 × (t − 2.5) / 60 > 14.4 from t ≈ 4, plus 2m.
    const resource = resourceWith([
      { name: 'orders', objective: '99.9', window: '30d', ratio: { good: 'shop_orders_total{outcome="completed"}', total: 'shop_orders_total' } },
    ]);
    const s = counterSeries([{ minutes: 360, errorShare: 0 }, { minutes: 30, errorShare: 1 }]);
    run(
      resource,
      [
        { series: `shop_orders_total{${SCOPE},outcome="completed"}`, values: s.good },
        { series: `shop_orders_total{${SCOPE},outcome="failed"}`, values: s.errors },
        // Another service's counter with the same name must not count.
        { series: 'shop_orders_total{namespace="shop",service="legacy-orders",outcome="failed"}', values: '0+1000x400' },
      ],
      {
        alerts: [
          { eval_time: '360m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [] },
          { eval_time: '367m', alertname: 'SLOErrorBudgetBurn', exp_alerts: [burnAlert('orders', '1h', '5m')] },
        ],
        exprs: [
          {
            expr: 'slo:sli_error:ratio_rate1h',
            eval_time: '360m',
            exp_samples: [{ labels: 'slo:sli_error:ratio_rate1h{namespace="shop",service="orders",slo="orders"}', value: 0 }],
          },
        ],
      },
    );
  });

  it('golden signals: restarts of the service pods and event-loop lag', () => {
    const resource = resourceWith([], true);
    run(
      resource,
      [
        { series: `up{${SCOPE},pod="orders-1"}`, values: '1+0x60' },
        { series: `up{namespace="shop",service="catalog",pod="catalog-1"}`, values: '1+0x60' },
        // orders-1 restarts every 4 minutes from minute 10; catalog-1 as well, but it is not ours.
        { series: 'kube_pod_container_status_restarts_total{namespace="shop",pod="orders-1",container="app"}', values: '0x10 1 1 1 1 2 2 2 2 3 3 3 3 4 4 4 4 5x30' },
        { series: 'kube_pod_container_status_restarts_total{namespace="shop",pod="catalog-1",container="app"}', values: '0x10 1 1 1 1 2 2 2 2 3 3 3 3 4 4 4 4 5x30' },
        { series: `nodejs_eventloop_lag_p99_seconds{${SCOPE},pod="orders-1"}`, values: '0.01x20 0.5x40' },
      ],
      {
        alerts: [
          { eval_time: '15m', alertname: 'ContainerRestarting', exp_alerts: [] },
          {
            eval_time: '25m',
            alertname: 'ContainerRestarting',
            exp_alerts: [{ exp_labels: { severity: 'warning', service: 'orders', slo: 'none', namespace: 'shop', pod: 'orders-1' } }],
          },
          { eval_time: '25m', alertname: 'EventLoopLagHigh', exp_alerts: [] },
          {
            eval_time: '32m',
            alertname: 'EventLoopLagHigh',
            exp_alerts: [{ exp_labels: { severity: 'warning', namespace: 'shop', service: 'orders', slo: 'none' } }],
          },
        ],
      },
    );
  });
});
