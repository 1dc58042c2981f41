// ServiceDown under promtool: the alert every resource gets, whatever its SLOs and golden-signal
// settings, when none of the service's scrape targets is up — including when none exists.
import { describe, expect, it } from 'vitest';
import type { ServiceObservability } from '../../src/api/v1alpha1.ts';
import { buildRuleGroups } from '../../src/desired/prometheus-rule.ts';
import { checkoutResource, settings } from './fixtures.ts';
import { promtoolPath, runPromtool } from './promtool.ts';

const promtool = promtoolPath();

/** Only the ServiceDown group is left: SLOs, golden signals and custom alerts are all off. */
function bareResource(): ServiceObservability {
  const resource = checkoutResource();
  resource.spec.slos = [];
  resource.spec.alerts = [];
  resource.spec.goldenSignals = { enabled: false };
  return resource;
}

const FIRING = [{ exp_labels: { severity: 'critical', namespace: 'shop', service: 'orders', slo: 'none' } }];

function run(inputSeries: Array<{ series: string; values: string }>, alerts: Array<{ eval_time: string; exp_alerts: unknown[] }>) {
  const built = buildRuleGroups(bareResource(), settings);
  expect(built.problems).toEqual([]);
  const result = runPromtool(['test', 'rules', 'test.yaml'], {
    // Annotations are checked above; promtool would otherwise need every one of them spelled out.
    'rules.yaml': { groups: built.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ('alert' in r ? { ...r, annotations: {} } : r)) })) },
    'test.yaml': {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: inputSeries, alert_rule_test: alerts.map((a) => ({ ...a, alertname: 'ServiceDown' })) }],
    },
  });
  expect(result.output).toContain('SUCCESS');
  expect(result.status).toBe(0);
}

describe('ServiceDown', () => {
  it('is generated for a resource with SLOs, golden signals and custom alerts all off', () => {
    const { groups } = buildRuleGroups(bareResource(), settings);
    expect(groups.map((g) => g.name)).toEqual(['orders.targets']);
    expect(groups[0]?.rules).toEqual([
      expect.objectContaining({
        alert: 'ServiceDown',
        expr: 'sum(up{namespace="shop", service="orders"}) == 0 or absent(up{namespace="shop", service="orders"} == 1)',
        for: '5m',
        labels: { severity: 'critical', namespace: 'shop', service: 'orders', slo: 'none' },
        annotations: expect.objectContaining({ runbook_url: 'https://runbooks.example/shopwatch/ServiceDown.md' }) as unknown,
      }),
    ]);
  });
});

describe.skipIf(!promtool)('ServiceDown (promtool test rules)', { timeout: 60_000 }, () => {
  it('fires 5 minutes after every target of the service went down, not while one is up', () => {
    run(
      [
        // Two pods: one goes down at minute 10, the other at minute 20.
        { series: 'up{namespace="shop",service="orders",pod="orders-1"}', values: '1x9 0x30' },
        { series: 'up{namespace="shop",service="orders",pod="orders-2"}', values: '1x19 0x20' },
        // Another service of the namespace being up must not hide it.
        { series: 'up{namespace="shop",service="catalog",pod="catalog-1"}', values: '1x40' },
      ],
      [
        { eval_time: '18m', exp_alerts: [] },
        { eval_time: '24m', exp_alerts: [] },
        { eval_time: '25m', exp_alerts: FIRING },
      ],
    );
  });

  it('fires when the targets are gone (scaled to zero: the series go stale)', () => {
    run(
      [
        { series: 'up{namespace="shop",service="orders",pod="orders-1"}', values: '1x9 stale' },
        { series: 'up{namespace="shop",service="catalog",pod="catalog-1"}', values: '1x30' },
      ],
      [
        { eval_time: '9m', exp_alerts: [] },
        { eval_time: '14m', exp_alerts: [] },
        { eval_time: '15m', exp_alerts: FIRING },
      ],
    );
  });

  it('fires when the service never had a target', () => {
    run([{ series: 'up{namespace="shop",service="catalog",pod="catalog-1"}', values: '1x30' }], [
      { eval_time: '4m', exp_alerts: [] },
      { eval_time: '5m', exp_alerts: FIRING },
    ]);
  });
});
