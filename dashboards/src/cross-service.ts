// The cross-service dashboards of docs/architecture.md §5: shop overview, checkout saga & Kafka, and SLOs &
// error budgets. They aggregate over every service in the selected namespaces, so they use the
// same labels (namespace, service, slo) and recording rules as the per-service dashboards.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type Panel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { panel, PROMETHEUS } from './panels.ts';
import { HTTP_HISTOGRAM } from './queries.ts';
import { SLO_RECORDS } from './slo-records.ts';

/** Participants of the checkout saga (docs/architecture.md §4): orders orchestrates, the others take part. */
export const SAGA_SERVICES = ['orders', 'inventory', 'payments', 'psp', 'shipping'];

/** The saga's undo steps (the `step` label of shop_saga_step_duration_seconds). */
export const COMPENSATION_STEPS = ['release_stock', 'void_payment', 'refund_payment', 'cancel_shipment'];

const NS = 'namespace=~"$namespace"';

function base(title: string, uid: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['shopwatch', 'cross-service'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('namespace')
        .label('Namespace')
        .datasource(PROMETHEUS)
        .query(`label_values(${HTTP_HISTOGRAM}_count, namespace)`)
        .definition(`label_values(${HTTP_HISTOGRAM}_count, namespace)`)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true),
    );
}

function addRows(builder: DashboardBuilder, rows: Array<{ title: string; panels: Array<cog.Builder<Panel>> }>, firstRowId: number): Dashboard {
  let rowId = firstRowId;
  for (const row of rows) {
    builder.withRow(new RowBuilder(row.title).id(rowId++));
    for (const p of row.panels) builder.withPanel(p);
  }
  return builder.build();
}

/** 5xx share by service; a service without a single 5xx shows 0 rather than "No data". */
function errorRatioByService(selector: string): string {
  const all = `sum by (service) (rate(${HTTP_HISTOGRAM}_count{${selector}}[$__rate_interval]))`;
  return `(sum by (service) (rate(${HTTP_HISTOGRAM}_count{${selector}, status_code=~"5.."}[$__rate_interval])) or ${all} * 0) / ${all}`;
}

function counter() {
  let id = 0;
  return () => ++id;
}

export function buildShopOverviewDashboard(): Dashboard {
  const id = counter();
  const count = `${HTTP_HISTOGRAM}_count{${NS}}`;
  const rows = [
    {
      title: 'Business',
      panels: [
        panel({ id: id(), title: 'Orders placed per minute', visualisation: 'stat', unit: 'short', queries: [{ expr: `sum(rate(shop_orders_placed_total{${NS}}[$__rate_interval])) * 60` }] }),
        panel({
          id: id(),
          title: 'Revenue per minute (confirmed orders)',
          description: 'Confirmed order value in major units of each currency, as analytics counts it.',
          visualisation: 'stat',
          unit: 'short',
          queries: [{ expr: `sum by (currency) (rate(shop_analytics_revenue_cents_total{${NS}}[$__rate_interval])) * 60 / 100`, legend: '{{currency}}' }],
        }),
        panel({
          id: id(),
          title: 'Conversion (purchases per product view)',
          description: 'Good for this shop is 2–10%.',
          visualisation: 'stat',
          unit: 'percentunit',
          queries: [{ expr: `sum(rate(shop_funnel_events_total{${NS}, stage="purchase"}[$__rate_interval])) / sum(rate(shop_funnel_events_total{${NS}, stage="product_view"}[$__rate_interval]))` }],
        }),
        panel({
          id: id(),
          title: 'Checkouts confirmed',
          description: 'Share of orders reaching a terminal state that were confirmed; the rest were cancelled (see the checkout saga dashboard for reasons).',
          visualisation: 'stat',
          unit: 'percentunit',
          queries: [{ expr: `sum(rate(shop_orders_completed_total{${NS}, outcome="confirmed"}[$__rate_interval])) / sum(rate(shop_orders_completed_total{${NS}}[$__rate_interval]))` }],
        }),
        panel({
          id: id(),
          title: 'Error budget remaining by service (lowest SLO)',
          description: 'Each service\'s SLO closest to exhaustion. Green above 25% of the budget left, orange spending the last of it, red overspent.',
          visualisation: 'bargauge',
          unit: 'percentunit',
          width: 24,
          max: 1,
          queries: [{ expr: `min by (service) (${SLO_RECORDS.budgetRemaining}{${NS}})`, legend: '{{service}}' }],
          thresholds: [{ value: null, color: 'red' }, { value: 0, color: 'orange' }, { value: 0.25, color: 'green' }],
        }),
      ],
    },
    {
      title: 'Traffic and errors',
      panels: [
        panel({ id: id(), title: 'Requests per second by service', visualisation: 'timeseries', unit: 'reqps', queries: [{ expr: `sum by (service) (rate(${count}[$__rate_interval]))`, legend: '{{service}}' }] }),
        panel({
          id: id(),
          title: 'Error ratio (5xx) by service',
          visualisation: 'timeseries',
          unit: 'percentunit',
          min: 0,
          queries: [{ expr: errorRatioByService(NS), legend: '{{service}}' }],
        }),
        panel({
          id: id(),
          title: 'Latency p99 by service',
          visualisation: 'timeseries',
          unit: 's',
          min: 0,
          queries: [{ expr: `histogram_quantile(0.99, sum by (le, service) (rate(${HTTP_HISTOGRAM}_bucket{${NS}}[$__rate_interval])))`, legend: '{{service}}', exemplar: true }],
        }),
        panel({ id: id(), title: 'Targets down', visualisation: 'stat', unit: 'short', queries: [{ expr: `count(up{${NS}} == 0) or vector(0)` }], thresholds: [{ value: null, color: 'green' }, { value: 1, color: 'red' }] }),
        panel({
          id: id(),
          title: 'Lowest error budget remaining',
          visualisation: 'stat',
          unit: 'percentunit',
          queries: [{ expr: `min(${SLO_RECORDS.budgetRemaining}{${NS}})` }],
          thresholds: [{ value: null, color: 'red' }, { value: 0, color: 'orange' }, { value: 0.25, color: 'green' }],
        }),
      ],
    },
    {
      title: 'Saturation',
      panels: [
        panel({ id: id(), title: 'Event-loop lag p99 by service', visualisation: 'timeseries', unit: 's', min: 0, queries: [{ expr: `max by (service) (nodejs_eventloop_lag_p99_seconds{${NS}})`, legend: '{{service}}' }] }),
        panel({ id: id(), title: 'CPU by service (cores)', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (service) (rate(process_cpu_seconds_total{${NS}}[$__rate_interval]))`, legend: '{{service}}' }] }),
      ],
    },
  ];
  return addRows(base('Shopwatch / Shop overview', 'shopwatch-overview', 'Every service at a glance: traffic, errors, latency, saturation, SLO budget.'), rows, 100);
}

export function buildCheckoutSagaDashboard(): Dashboard {
  const id = counter();
  const saga = `service=~"${SAGA_SERVICES.join('|')}"`;
  const rows = [
    {
      title: 'Saga participants',
      panels: [
        panel({ id: id(), title: 'Requests per second', visualisation: 'timeseries', unit: 'reqps', queries: [{ expr: `sum by (service) (rate(${HTTP_HISTOGRAM}_count{${NS}, ${saga}}[$__rate_interval]))`, legend: '{{service}}' }] }),
        panel({
          id: id(),
          title: 'Error ratio (5xx)',
          visualisation: 'timeseries',
          unit: 'percentunit',
          min: 0,
          queries: [{ expr: errorRatioByService(`${NS}, ${saga}`), legend: '{{service}}' }],
        }),
      ],
    },
    {
      title: 'Checkout saga',
      panels: [
        panel({
          id: id(),
          title: 'Step duration p95 by step',
          visualisation: 'timeseries',
          unit: 's',
          min: 0,
          queries: [{ expr: `histogram_quantile(0.95, sum by (le, step) (rate(shop_saga_step_duration_seconds_bucket{${NS}}[$__rate_interval])))`, legend: '{{step}}' }],
        }),
        panel({
          id: id(),
          title: 'Orders completed by outcome and reason',
          visualisation: 'timeseries',
          unit: 'short',
          min: 0,
          queries: [{ expr: `sum by (outcome, reason) (rate(shop_orders_completed_total{${NS}}[$__rate_interval]))`, legend: '{{outcome}} {{reason}}' }],
        }),
        panel({
          id: id(),
          title: 'Compensations by step',
          description: 'Undo steps the saga ran after a failure (release stock, void or refund the payment, cancel the shipment). Good is a small share of checkouts; 0 while sagas run without one (no data only when no saga step is recorded at all).',
          visualisation: 'timeseries',
          unit: 'short',
          min: 0,
          // A step series exists only once it ran: without a compensation the panel shows 0 as long
          // as the saga records steps at all, so "no data" still means the metric is missing.
          queries: [
            {
              expr: `sum by (step) (rate(shop_saga_step_duration_seconds_count{${NS}, step=~"${COMPENSATION_STEPS.join('|')}"}[$__rate_interval])) or on() (0 * sum(rate(shop_saga_step_duration_seconds_count{${NS}}[$__rate_interval])))`,
              legend: '{{step}}',
            },
          ],
        }),
        panel({ id: id(), title: 'Sagas in flight', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `max(shop_sagas_in_flight{${NS}})` }] }),
        panel({
          id: id(),
          title: 'Step outcomes by step',
          description: 'ok, failed (a business refusal) or timeout (re-sent, then compensated). Good has no timeout.',
          visualisation: 'timeseries',
          unit: 'short',
          min: 0,
          queries: [{ expr: `sum by (step, outcome) (rate(shop_saga_step_duration_seconds_count{${NS}}[$__rate_interval]))`, legend: '{{step}} {{outcome}}' }],
        }),
      ],
    },
    {
      title: 'Kafka',
      panels: [
        panel({ id: id(), title: 'Produced by topic and outcome', visualisation: 'timeseries', unit: 'short', queries: [{ expr: `sum by (topic, outcome) (rate(kafka_messages_produced_total{${NS}}[$__rate_interval]))`, legend: '{{topic}} {{outcome}}' }] }),
        panel({ id: id(), title: 'Consumed by topic and outcome', visualisation: 'timeseries', unit: 'short', queries: [{ expr: `sum by (topic, outcome) (rate(kafka_messages_consumed_total{${NS}}[$__rate_interval]))`, legend: '{{topic}} {{outcome}}' }] }),
        panel({ id: id(), title: 'Consumer lag by group and topic', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (group, topic) (kafka_consumer_lag_messages{${NS}})`, legend: '{{group}} {{topic}}' }] }),
        panel({ id: id(), title: 'Dead-lettered by topic and reason', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (topic, reason) (increase(kafka_messages_dead_lettered_total{${NS}}[$__rate_interval]))`, legend: '{{topic}} {{reason}}' }] }),
        panel({
          id: id(),
          title: 'Handler duration p99 by topic',
          visualisation: 'timeseries',
          unit: 's',
          min: 0,
          queries: [{ expr: `histogram_quantile(0.99, sum by (le, topic) (rate(kafka_handler_duration_seconds_bucket{${NS}}[$__rate_interval])))`, legend: '{{topic}}', exemplar: true }],
        }),
        panel({
          id: id(),
          title: 'Handler retries by topic',
          description: 'Handler attempts that failed transiently and were retried. 0 while consumers handle messages without a retry; no data only when nothing is consumed.',
          visualisation: 'timeseries',
          unit: 'short',
          min: 0,
          queries: [
            {
              expr: `sum by (topic) (rate(kafka_handler_retries_total{${NS}}[$__rate_interval])) or on() (0 * sum(rate(kafka_messages_consumed_total{${NS}}[$__rate_interval])))`,
              legend: '{{topic}}',
            },
          ],
        }),
      ],
    },
    {
      title: 'Outbox',
      panels: [
        panel({ id: id(), title: 'Outbox backlog by service', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (service) (outbox_backlog_events{${NS}})`, legend: '{{service}}' }] }),
        panel({ id: id(), title: 'Oldest unpublished event age', visualisation: 'timeseries', unit: 's', min: 0, queries: [{ expr: `max by (service) (outbox_oldest_event_age_seconds{${NS}})`, legend: '{{service}}' }] }),
      ],
    },
  ];
  return addRows(base('Shopwatch / Checkout saga & Kafka', 'shopwatch-checkout-saga', 'The checkout saga across its services, the Kafka topics that carry it and the outboxes that feed them.'), rows, 100);
}

export function buildSloOverviewDashboard(): Dashboard {
  const id = counter();
  const sel = `{${NS}}`;
  const rows = [
    {
      title: 'Error budgets',
      panels: [
        panel({
          id: id(),
          title: 'Error budget remaining by SLO',
          visualisation: 'bargauge',
          unit: 'percentunit',
          width: 24,
          max: 1,
          queries: [{ expr: `sort(${SLO_RECORDS.budgetRemaining}${sel})`, legend: '{{service}} / {{slo}}' }],
          thresholds: [{ value: null, color: 'red' }, { value: 0, color: 'orange' }, { value: 0.25, color: 'green' }],
        }),
        panel({ id: id(), title: 'Error budget remaining over time', visualisation: 'timeseries', unit: 'percentunit', width: 24, queries: [{ expr: `${SLO_RECORDS.budgetRemaining}${sel}`, legend: '{{service}} / {{slo}}' }] }),
      ],
    },
    {
      title: 'Burn rates',
      panels: [
        panel({ id: id(), title: 'Burn rate over 1h (pages above 14.4 for 30d SLOs)', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `${SLO_RECORDS.burnRate('1h')}${sel}`, legend: '{{service}} / {{slo}}' }] }),
        panel({ id: id(), title: 'Burn rate over 1d (tickets above 3 for 30d SLOs)', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `${SLO_RECORDS.burnRate('1d')}${sel}`, legend: '{{service}} / {{slo}}' }] }),
        panel({
          id: id(),
          title: 'Fastest-burning SLOs (1h)',
          description: 'The ten SLOs spending their error budget fastest. Above 1 the budget runs out before the window ends; the page alerts start at 14.4 (30-day SLOs).',
          visualisation: 'table',
          width: 24,
          queries: [{ expr: `topk(10, ${SLO_RECORDS.burnRate('1h')}${sel})`, legend: '{{service}} / {{slo}}' }],
        }),
      ],
    },
  ];
  return addRows(base('Shopwatch / SLOs & error budgets', 'shopwatch-slos', 'Every SLO of every service: remaining error budget and how fast it burns.'), rows, 100);
}

export function buildNodeRuntimeDashboard(): Dashboard {
  const id = counter();
  const by = (metric: string) => `max by (service) (${metric}{${NS}})`;
  const rows = [
    {
      title: 'Event loop and CPU',
      panels: [
        panel({ id: id(), title: 'Event-loop lag p99 by service', description: 'Good is below 50 ms; above 200 ms every request of that process waits.', visualisation: 'timeseries', unit: 's', min: 0, queries: [{ expr: by('nodejs_eventloop_lag_p99_seconds'), legend: '{{service}}' }] }),
        panel({ id: id(), title: 'CPU by service (cores)', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (service) (rate(process_cpu_seconds_total{${NS}}[$__rate_interval]))`, legend: '{{service}}' }] }),
        panel({ id: id(), title: 'GC time per second by service', description: 'Share of each second spent collecting garbage. Good is below 0.05.', visualisation: 'timeseries', unit: 'percentunit', min: 0, queries: [{ expr: `sum by (service) (rate(nodejs_gc_duration_seconds_sum{${NS}}[$__rate_interval]))`, legend: '{{service}}' }] }),
      ],
    },
    {
      title: 'Memory and handles',
      panels: [
        panel({ id: id(), title: 'Resident memory by service', description: 'Good is below 120 MB idle (bench-rss measures it).', visualisation: 'timeseries', unit: 'bytes', min: 0, queries: [{ expr: `sum by (service) (process_resident_memory_bytes{${NS}})`, legend: '{{service}}' }] }),
        panel({ id: id(), title: 'Heap used by service', visualisation: 'timeseries', unit: 'bytes', min: 0, queries: [{ expr: `sum by (service) (nodejs_heap_size_used_bytes{${NS}})`, legend: '{{service}}' }] }),
        panel({ id: id(), title: 'Active handles by service', description: 'Sockets, timers and files held open. A line that only grows is a leak.', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (service) (nodejs_active_handles_total{${NS}})`, legend: '{{service}}' }] }),
        panel({ id: id(), title: 'Open file descriptors by service', visualisation: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (service) (process_open_fds{${NS}})`, legend: '{{service}}' }] }),
      ],
    },
  ];
  return addRows(base('Shopwatch / Node.js runtime', 'shopwatch-nodejs', 'Every service process: event-loop lag, CPU, garbage collection, memory and handles.'), rows, 100);
}

/**
 * Panels of the cross-service dashboards that have data only under a condition (the panel test
 * creates each one; see test/observability/support/conditions.ts), by dashboard file and title.
 */
export const CROSS_SERVICE_REQUIREMENTS: Record<string, Record<string, string>> = {
  'shopwatch-checkout-saga.json': {
    'Dead-lettered by topic and reason': 'poison-message',
  },
};

/** The cross-service dashboards by file name, for export. */
export function crossServiceDashboards(): Record<string, Dashboard> {
  return {
    'shopwatch-overview.json': buildShopOverviewDashboard(),
    'shopwatch-checkout-saga.json': buildCheckoutSagaDashboard(),
    'shopwatch-slos.json': buildSloOverviewDashboard(),
    'shopwatch-nodejs.json': buildNodeRuntimeDashboard(),
  };
}
