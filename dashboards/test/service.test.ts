import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildServiceDashboard, dashboardUid, type ServiceDashboardInput } from '../src/index.ts';
import { layoutProblems, panelsOf, parses, type PanelJson } from './layout.ts';

const input: ServiceDashboardInput = {
  namespace: 'shop',
  service: 'orders',
  title: 'Orders',
  marketing: [{ title: 'Checkouts started', expr: 'sum(rate(shop_checkouts_started_total{namespace=~"$namespace"}[$__rate_interval]))', unit: 'reqps' }],
  business: [
    { title: 'Orders by outcome', expr: 'sum by (outcome) (rate(shop_orders_completed_total[$__rate_interval]))', legend: '{{outcome}}' },
    { title: 'Revenue (1h)', expr: 'sum(increase(shop_order_revenue_euros_total[1h]))', unit: 'currencyEUR', visualisation: 'stat' },
  ],
  slos: [
    { name: 'availability', objective: '99.5', window: '30d' },
    { name: 'latency', objective: '99', window: '28d', alertBurnRates: { page: 13.44, ticket: 0.933333333333 } },
  ],
  links: [{ title: 'Runbook', url: 'https://runbooks.example/orders' }],
};

function panels(dashboard = buildServiceDashboard(input)): PanelJson[] {
  return panelsOf(dashboard);
}

describe('dashboardUid', () => {
  it('is stable, short enough for Grafana and free of collisions between similar names', () => {
    expect(dashboardUid('shop', 'orders')).toBe(dashboardUid('shop', 'orders'));
    expect(dashboardUid('a-b', 'c')).not.toBe(dashboardUid('a', 'b-c'));
    const long = dashboardUid('a-very-long-namespace-name-indeed', 'and-an-equally-long-resource-name');
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('buildServiceDashboard', () => {
  it('has the layer rows in order, then the SLO row', () => {
    expect(panels().filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['Marketing', 'Business', 'System', 'SLOs']);
  });

  it('keeps every row and says how to fill an empty one', () => {
    const all = panels(buildServiceDashboard({ namespace: 'shop', service: 'catalog' }));
    expect(all.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['Marketing', 'Business', 'System', 'SLOs']);
    const notes = all.filter((p) => p.type === 'text') as unknown as Array<{ options: { content: string } }>;
    expect(notes.map((n) => n.options.content.match(/`([^`]+)`/)?.[1])).toEqual(['spec.dashboard.marketing', 'spec.dashboard.business', 'spec.slos']);
  });

  it('has the datasource and namespace variables, defaulting to the resource namespace', () => {
    const variables = buildServiceDashboard(input).templating?.list ?? [];
    expect(variables.map((v) => [v.name, v.type])).toEqual([['datasource', 'datasource'], ['namespace', 'query']]);
    expect(variables[0]?.query).toBe('prometheus');
    expect(variables[1]?.current?.value).toBe('shop');
  });

  it('scopes every generated query to the service and the selected namespaces', () => {
    const generated = panels().filter((p) => p.type !== 'row' && !['Checkouts started', 'Orders by outcome', 'Revenue (1h)'].includes(p.title));
    expect(generated.length).toBeGreaterThanOrEqual(16);
    for (const panel of generated) {
      for (const target of panel.targets ?? []) {
        expect(target.datasource?.uid, panel.title).toBe('${datasource}');
        expect(target.expr, panel.title).toContain('namespace=~"$namespace"');
        expect(target.expr, panel.title).toContain('service="orders"');
        expect(parses(target.expr), target.expr).toBe(true);
      }
    }
  });

  it('asks for exemplars on latency panels', () => {
    const latency = panels().filter((p) => p.title.startsWith('Latency'));
    expect(latency).toHaveLength(2);
    for (const p of latency) expect(p.targets?.every((t) => t.exemplar === true)).toBe(true);
  });

  it('shows budget, SLI, burn rate and objective for each SLO from the recording rules', () => {
    const slo = panels().filter((p) => p.title.startsWith('latency (99% / 28d)'));
    expect(slo.map((p) => p.title.split(': ')[1])).toEqual(['error budget remaining', 'SLI over the window', 'burn rate', 'SLI (1h) vs objective']);
    const exprs = slo.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs).toContain('slo:error_budget_remaining:ratio{namespace=~"$namespace", service="orders", slo="latency"}');
    expect(exprs).toContain('1 - slo:sli_error:ratio_rate28d{namespace=~"$namespace", service="orders", slo="latency"}');
    expect(exprs).toContain('slo:burn_rate:ratio_rate1h{namespace=~"$namespace", service="orders", slo="latency"}');
  });

  it('draws the alerting burn rates as reference lines when given', () => {
    const burn = (slo: string) => panels().find((p) => p.title.startsWith(slo) && p.title.endsWith('burn rate')) as unknown as {
      fieldConfig: { defaults: { thresholds?: { steps: Array<{ value: number | null }> }; custom?: { thresholdsStyle?: { mode: string } } } };
    };
    expect(burn('latency').fieldConfig.defaults.thresholds?.steps.map((s) => s.value)).toEqual([null, 0.933333333333, 13.44]);
    expect(burn('latency').fieldConfig.defaults.custom?.thresholdsStyle?.mode).toBe('dashed');
    expect(burn('availability').fieldConfig.defaults.thresholds).toBeUndefined();
  });

  it('lays panels out without overlaps inside the 24-column grid, with unique ids', () => {
    expect(layoutProblems(buildServiceDashboard(input))).toEqual([]);
  });

  it('matches the golden JSON (UPDATE_GOLDEN=1 rewrites it)', () => {
    const file = join(dirname(fileURLToPath(import.meta.url)), 'golden', 'orders.json');
    const actual = `${JSON.stringify(buildServiceDashboard(input), null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
