// The per-service dashboard: marketing, business and system rows (docs/architecture.md §5) plus an SLO row.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type Panel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { declaredPanel, note, panel, PROMETHEUS } from './panels.ts';
import { HTTP_HISTOGRAM, HTTP_SYSTEM_PANELS, RESTARTS_PANEL, sloQueries, systemQueries } from './queries.ts';
import type { ServiceDashboardInput, SloInput } from './types.ts';
import { dashboardUid } from './uid.ts';

/** Burn-rate windows shown on the SLO row: the short and long windows of the page and ticket alerts. */
const BURN_WINDOWS = ['5m', '1h', '6h', '1d', '3d'];

const BUDGET_THRESHOLDS = [
  { value: null, color: 'red' },
  { value: 0, color: 'orange' },
  { value: 0.25, color: 'green' },
];

function systemPanels(service: string, nextId: () => number): Array<cog.Builder<Panel>> {
  const q = systemQueries;
  return [
    panel({ id: nextId(), title: HTTP_SYSTEM_PANELS[0], visualisation: 'timeseries', unit: 'reqps', queries: [{ expr: q.requestRate(service), legend: '{{route}}' }] }),
    panel({ id: nextId(), title: HTTP_SYSTEM_PANELS[1], visualisation: 'timeseries', unit: 'percentunit', min: 0, queries: [{ expr: q.errorRatio(service), legend: '{{route}}' }] }),
    panel({
      id: nextId(),
      title: HTTP_SYSTEM_PANELS[2],
      description: 'Exemplars link samples to their traces when the Prometheus datasource has a trace-id destination configured.',
      visualisation: 'timeseries',
      unit: 's',
      min: 0,
      queries: [0.5, 0.95, 0.99].map((quantile) => ({ expr: q.latencyQuantile(service, quantile), legend: `p${Math.round(quantile * 100)}`, exemplar: true })),
    }),
    panel({ id: nextId(), title: HTTP_SYSTEM_PANELS[3], visualisation: 'timeseries', unit: 's', min: 0, queries: [{ expr: q.latencyP99ByRoute(service), legend: '{{route}}', exemplar: true }] }),
    panel({ id: nextId(), title: 'Event-loop lag p99', visualisation: 'timeseries', unit: 's', min: 0, width: 6, queries: [{ expr: q.eventLoopLag(service), legend: '{{pod}}' }] }),
    panel({ id: nextId(), title: 'Heap used', visualisation: 'timeseries', unit: 'bytes', min: 0, width: 6, queries: [{ expr: q.heapUsed(service), legend: '{{pod}}' }] }),
    panel({ id: nextId(), title: 'CPU (cores)', visualisation: 'timeseries', unit: 'short', min: 0, width: 6, queries: [{ expr: q.cpu(service), legend: '{{pod}}' }] }),
    panel({
      id: nextId(),
      title: RESTARTS_PANEL,
      description: 'Cluster only: kube-state-metrics counts container restarts; a shop run as local processes (make dev) has none.',
      visualisation: 'timeseries',
      unit: 'short',
      min: 0,
      width: 6,
      queries: [{ expr: q.restarts(service), legend: '{{pod}}' }] }),
  ];
}

function sloPanels(service: string, slo: SloInput, nextId: () => number): Array<cog.Builder<Panel>> {
  const q = sloQueries;
  const label = `${slo.name} (${slo.objective}% / ${slo.window})`;
  return [
    panel({
      id: nextId(),
      title: `${label}: error budget remaining`,
      visualisation: 'stat',
      unit: 'percentunit',
      queries: [{ expr: q.budgetRemaining(service, slo.name) }],
      thresholds: BUDGET_THRESHOLDS,
      ...(slo.description ? { description: slo.description } : {}),
    }),
    panel({
      id: nextId(),
      title: `${label}: SLI over the window`,
      visualisation: 'stat',
      unit: 'percentunit',
      queries: [{ expr: q.sli(service, slo.name, slo.window) }],
    }),
    panel({
      id: nextId(),
      title: `${label}: burn rate`,
      description:
        'Error budget consumption relative to the sustainable rate: 1 spends the budget exactly over the window. ' +
        'Dashed lines: the burn rates of the slowest ticket (orange) and the fastest page (red).',
      visualisation: 'timeseries',
      unit: 'short',
      min: 0,
      width: 6,
      queries: BURN_WINDOWS.map((w) => ({ expr: q.burnRate(service, slo.name, w), legend: w })),
      ...(slo.alertBurnRates
        ? {
            thresholds: [
              { value: null, color: 'green' },
              { value: slo.alertBurnRates.ticket, color: 'orange' },
              { value: slo.alertBurnRates.page, color: 'red' },
            ],
            thresholdLines: true,
          }
        : {}),
    }),
    panel({
      id: nextId(),
      title: `${label}: SLI (1h) vs objective`,
      visualisation: 'timeseries',
      unit: 'percentunit',
      width: 6,
      queries: [
        { expr: q.sli(service, slo.name, '1h'), legend: 'SLI (1h)' },
        { expr: q.objective(service, slo.name), legend: 'objective' },
      ],
    }),
  ];
}

/** Builds the dashboard JSON model for one service. Deterministic: same input, same JSON. */
export function buildServiceDashboard(input: ServiceDashboardInput): Dashboard {
  const service = input.service;
  let id = 0;
  const nextId = () => ++id;

  const builder = new DashboardBuilder(input.title ?? service)
    .uid(dashboardUid(input.namespace, input.name ?? service))
    .tags(['shopwatch', `service:${service}`, ...(input.tags ?? [])])
    .editable()
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('namespace')
        .label('Namespace')
        .datasource(PROMETHEUS)
        .query(`label_values(${HTTP_HISTOGRAM}_count{service=${JSON.stringify(service)}}, namespace)`)
        .definition(`label_values(${HTTP_HISTOGRAM}_count{service=${JSON.stringify(service)}}, namespace)`)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .current({ text: input.namespace, value: input.namespace, selected: true }),
    );

  for (const link of input.links ?? []) {
    builder.link(new DashboardLinkBuilder(link.title).type(DashboardLinkType.Link).url(link.url).targetBlank(true));
  }

  // Every dashboard has the same four rows, so people find things in the same place for every
  // service; an empty layer says how to fill it instead of disappearing.
  const declared = (layer: 'marketing' | 'business', what: string) => {
    const panels = input[layer] ?? [];
    if (panels.length > 0) return panels.map((p) => declaredPanel(p, nextId()));
    return [note(nextId(), `No ${layer} panels are declared for **${service}** yet (${what}). Add them under \`spec.dashboard.${layer}\` of its ServiceObservability.`)];
  };
  const rows: Array<{ title: string; panels: () => Array<cog.Builder<Panel>> }> = [
    { title: 'Marketing', panels: () => declared('marketing', 'demand, intent, funnel') },
    { title: 'Business', panels: () => declared('business', 'domain outcomes and their quality') },
    { title: 'System', panels: () => systemPanels(service, nextId) },
    {
      title: 'SLOs',
      panels: () =>
        (input.slos ?? []).length > 0
          ? (input.slos ?? []).flatMap((slo) => sloPanels(service, slo, nextId))
          : [note(nextId(), `No SLOs are declared for **${service}**. Add them under \`spec.slos\` to get error budgets, burn rates and burn-rate alerts.`)],
    },
  ];
  for (const row of rows) {
    builder.withRow(new RowBuilder(row.title).id(nextId()));
    for (const p of row.panels()) builder.withPanel(p);
  }
  return builder.build();
}
