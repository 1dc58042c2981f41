import { describe, expect, it } from 'vitest';
import type { ServiceObservability } from '../../src/api/v1alpha1.ts';
import { buildDesired } from '../../src/desired/index.ts';
import { checkoutResource, settings } from './fixtures.ts';
import { expectGolden } from './golden.ts';

function minimalResource(): ServiceObservability {
  return {
    apiVersion: 'observability.shopwatch.dev/v1alpha1',
    kind: 'ServiceObservability',
    metadata: { name: 'catalog', namespace: 'shop', uid: '5f1d6c2a-2222-4b7e-8c9d-0a1b2c3d4e5f' },
    spec: { service: { name: 'catalog', selector: { matchLabels: { app: 'catalog' } } } },
  };
}

function kinds(resource: ServiceObservability) {
  return buildDesired(resource, settings).outputs.map((o) => `${o.condition}:${o.object.kind}/${o.object.metadata.name}`);
}

describe('buildDesired golden files', () => {
  it('full resource: ServiceMonitor, PrometheusRule, dashboard ConfigMap and GrafanaDashboard', () => {
    const resource = checkoutResource();
    resource.spec.output = { ...resource.spec.output, grafanaDashboard: { enabled: true, allowCrossNamespaceImport: true, instanceSelector: { matchLabels: { dashboards: 'grafana' } } } };
    expectGolden('orders-full', buildDesired(resource, settings));
  });

  it('minimal resource: defaults everywhere', () => {
    expectGolden('catalog-minimal', buildDesired(minimalResource(), settings));
  });

  it('invalid PromQL: problems, and no output for the conditions they concern', () => {
    const resource = checkoutResource();
    resource.spec.alerts = [{ name: 'Broken', expr: 'sum(rate(x[5m])', severity: 'warning', summary: 's', description: 'd' }];
    resource.spec.dashboard = { ...resource.spec.dashboard, business: [{ title: 'Bad', expr: 'rate(shop_orders_total)' }] };
    expectGolden('orders-invalid-promql', buildDesired(resource, settings));
  });
});

describe('buildDesired', () => {
  it('produces one object per output kind, tagged with its condition', () => {
    expect(kinds(checkoutResource())).toEqual([
      'ScrapeReady:ServiceMonitor/orders',
      'RulesReady:PrometheusRule/orders',
      'DashboardReady:ConfigMap/orders-dashboard',
    ]);
  });

  it('a bad alert expression blocks only the PrometheusRule and names the field', () => {
    const resource = checkoutResource();
    resource.spec.alerts = [
      ...(resource.spec.alerts ?? []),
      { name: 'Broken', expr: 'sum by (x) rate(y[5m])', severity: 'critical', summary: 's', description: 'd' },
    ];
    const state = buildDesired(resource, settings);
    expect(state.problems).toEqual([
      { condition: 'RulesReady', reason: 'InvalidPromQL', message: 'spec.alerts[1].expr: unexpected "rate" at character 12' },
    ]);
    expect(state.outputs.map((o) => o.object.kind)).toEqual(['ServiceMonitor', 'ConfigMap']);
  });

  it('a ratio SLI that is not a plain selector is a problem', () => {
    const resource = checkoutResource();
    const slo = resource.spec.slos?.[2];
    if (!slo?.ratio) throw new Error('fixture changed');
    slo.ratio.good = 'rate(shop_orders_completed_total[5m])';
    const state = buildDesired(resource, settings);
    expect(state.problems).toHaveLength(1);
    expect(state.problems[0]).toMatchObject({ condition: 'RulesReady', reason: 'InvalidPromQL' });
    expect(state.problems[0]?.message).toMatch(/^spec\.slos\[2\]\.ratio\.good: must be a plain series selector/);
    expect(state.outputs.some((o) => o.object.kind === 'PrometheusRule')).toBe(false);
  });

  it('a bad panel query blocks only the dashboard', () => {
    const resource = checkoutResource();
    resource.spec.dashboard = { marketing: [{ title: 'Views', expr: 'sum(rate(views_total{namespace=~"$namespace"}[$__rate_interval])' }] };
    const state = buildDesired(resource, settings);
    expect(state.problems).toEqual([
      { condition: 'DashboardReady', reason: 'InvalidPromQL', message: 'spec.dashboard.marketing[0].expr: unexpected end of expression' },
    ]);
    expect(state.outputs.map((o) => o.object.kind)).toEqual(['ServiceMonitor', 'PrometheusRule']);
  });

  it('duplicate SLO names and a missing SLI kind are reported even if admission was bypassed', () => {
    const resource = checkoutResource();
    resource.spec.slos = [
      { name: 'a', objective: '99', window: '30d', availability: {} },
      { name: 'a', objective: '100', window: '30d' },
    ];
    const reasons = buildDesired(resource, settings).problems.map((p) => `${p.reason} ${p.message.split(':')[0]}`);
    expect(reasons).toEqual(['DuplicateName spec.slos[1].name', 'InvalidObjective spec.slos[1].objective', 'InvalidSLI spec.slos[1]']);
  });

  it('honours dashboard.enabled=false and sidecarConfigMap=false', () => {
    const disabled = checkoutResource();
    disabled.spec.dashboard = { enabled: false };
    expect(kinds(disabled)).toEqual(['ScrapeReady:ServiceMonitor/orders', 'RulesReady:PrometheusRule/orders']);
    const rule = buildDesired(disabled, settings).outputs[1]?.object as unknown as { spec: { groups: Array<{ rules: Array<{ annotations?: Record<string, string> }> }> } };
    // No dashboard, so no dashboard links in alerts either.
    expect(rule.spec.groups.flatMap((g) => g.rules).some((r) => r.annotations?.dashboard_url)).toBe(false);

    const operatorOnly = checkoutResource();
    operatorOnly.spec.output = { sidecarConfigMap: false, grafanaDashboard: { enabled: true } };
    expect(kinds(operatorOnly)).toContain('DashboardReady:GrafanaDashboard/orders');
    expect(kinds(operatorOnly)).not.toContain('DashboardReady:ConfigMap/orders-dashboard');
  });

  it('is pure: same input, same output, input untouched', () => {
    const resource = checkoutResource();
    const before = JSON.stringify(resource);
    const first = JSON.stringify(buildDesired(resource, settings));
    const second = JSON.stringify(buildDesired(checkoutResource(), settings));
    expect(first).toBe(second);
    expect(JSON.stringify(resource)).toBe(before);
  });

  it('labels and owns every output as the contract says', () => {
    const resource = checkoutResource();
    resource.spec.output = { labels: { team: 'checkout' }, grafanaDashboard: { enabled: true } };
    for (const { object } of buildDesired(resource, settings).outputs) {
      const metadata = object.metadata as typeof object.metadata & { ownerReferences: unknown[] };
      expect(metadata.namespace).toBe('shop');
      expect(metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'shopwatch-operator',
        'observability.shopwatch.dev/owner': 'orders',
        release: 'kube-prometheus-stack',
        team: 'checkout',
      });
      expect(metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ServiceObservability', uid: resource.metadata.uid, controller: true })]);
    }
  });

  it('labels the ConfigMap for the Grafana sidecar with the folder annotation', () => {
    const cm = buildDesired(checkoutResource(), settings).outputs.find((o) => o.object.kind === 'ConfigMap')?.object;
    expect(cm?.metadata.labels?.grafana_dashboard).toBe('1');
    expect(cm?.metadata.annotations).toEqual({ grafana_folder: 'Shop' });
    const data = (cm as unknown as { data: Record<string, string> }).data;
    const dashboard = JSON.parse(data['shop-orders.json'] ?? '{}') as { uid: string; title: string };
    expect(dashboard).toMatchObject({ uid: 'shop-orders-644f7b8c', title: 'Orders' });
  });
});

describe('buildDesired guards what admission should have caught', () => {
  it('refuses bad scrape settings and an empty selector for the ServiceMonitor only', () => {
    const resource = checkoutResource();
    resource.spec.service.metrics = { interval: 'often' };
    resource.spec.service.selector = {};
    const state = buildDesired(resource, settings);
    expect(state.problems.map((p) => `${p.condition} ${p.reason}`)).toEqual(['ScrapeReady InvalidDuration', 'ScrapeReady EmptySelector']);
    expect(state.outputs.map((o) => o.object.kind)).toEqual(['PrometheusRule', 'ConfigMap']);
  });

  it('refuses thresholds and durations that would break the rule file', () => {
    const resource = checkoutResource();
    resource.spec.goldenSignals = { errorRatio: '5%', restarts: 0 };
    resource.spec.alerts = [{ name: 'A', expr: 'up == 0', for: 'a while', severity: 'info', summary: 's', description: 'd' }];
    const state = buildDesired(resource, settings);
    expect(state.problems.map((p) => p.message.split(':')[0])).toEqual([
      'spec.goldenSignals.errorRatio',
      'spec.goldenSignals.restarts',
      'spec.alerts[0].for',
    ]);
    expect(state.outputs.some((o) => o.object.kind === 'PrometheusRule')).toBe(false);
  });

  it('refuses label regexes Prometheus (RE2) would not compile', () => {
    const resource = checkoutResource();
    resource.spec.slos = [
      { name: 'a', objective: '99', window: '30d', availability: { routes: '/api/(orders' } },
      { name: 'b', objective: '99', window: '30d', latency: { thresholdSeconds: '0.3', routes: '/api/(?!internal).*' } },
      { name: 'c', objective: '99', window: '30d', availability: { errorStatusCodes: '5..|429' } },
    ];
    const problems = buildDesired(resource, settings).problems;
    expect(problems.map((p) => `${p.reason} ${p.message.split(':')[0]}`)).toEqual([
      'InvalidRegex spec.slos[0].availability.routes',
      'InvalidRegex spec.slos[1].latency.routes',
    ]);
  });
});
