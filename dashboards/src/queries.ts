// PromQL of the generated panels. Every query is scoped to one service and the namespaces the
// viewer selected, with the labels the ServiceMonitor puts on every series.
import { SLO_RECORDS } from './slo-records.ts';

export const HTTP_HISTOGRAM = 'http_server_request_duration_seconds';

function scope(service: string, extra = ''): string {
  return `{namespace=~"$namespace", service=${JSON.stringify(service)}${extra}}`;
}

export function sloScope(service: string, slo: string): string {
  return scope(service, `, slo=${JSON.stringify(slo)}`);
}

export const systemQueries = {
  requestRate: (service: string) =>
    `sum by (route) (rate(${HTTP_HISTOGRAM}_count${scope(service)}[$__rate_interval]))`,
  // A route that never failed has no 5xx series; `or … * 0` shows it as 0 instead of "No data".
  errorRatio: (service: string) =>
    `(sum by (route) (rate(${HTTP_HISTOGRAM}_count${scope(service, ', status_code=~"5.."')}[$__rate_interval]))` +
    ` or sum by (route) (rate(${HTTP_HISTOGRAM}_count${scope(service)}[$__rate_interval])) * 0)` +
    ` / sum by (route) (rate(${HTTP_HISTOGRAM}_count${scope(service)}[$__rate_interval]))`,
  latencyQuantile: (service: string, quantile: number) =>
    `histogram_quantile(${quantile}, sum by (le) (rate(${HTTP_HISTOGRAM}_bucket${scope(service)}[$__rate_interval])))`,
  latencyP99ByRoute: (service: string) =>
    `histogram_quantile(0.99, sum by (le, route) (rate(${HTTP_HISTOGRAM}_bucket${scope(service)}[$__rate_interval])))`,
  eventLoopLag: (service: string) => `max by (pod) (nodejs_eventloop_lag_p99_seconds${scope(service)})`,
  heapUsed: (service: string) => `sum by (pod) (nodejs_heap_size_used_bytes${scope(service)})`,
  cpu: (service: string) => `sum by (pod) (rate(process_cpu_seconds_total${scope(service)}[$__rate_interval]))`,
  // kube-state-metrics does not know our `service` label; the service's own targets (`up`) name its pods.
  // Cluster only (SYSTEM_PANEL_REQUIREMENTS): kube-state-metrics runs in a cluster, not beside `make dev`.
  restarts: (service: string) =>
    'sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace=~"$namespace"}[1h]))' +
    ` and on (namespace, pod) max by (namespace, pod) (up${scope(service)})`,
};

export const sloQueries = {
  budgetRemaining: (service: string, slo: string) => `${SLO_RECORDS.budgetRemaining}${sloScope(service, slo)}`,
  burnRate: (service: string, slo: string, window: string) => `${SLO_RECORDS.burnRate(window)}${sloScope(service, slo)}`,
  sli: (service: string, slo: string, window: string) => `1 - ${SLO_RECORDS.errorRatio(window)}${sloScope(service, slo)}`,
  objective: (service: string, slo: string) => `${SLO_RECORDS.objective}${sloScope(service, slo)}`,
};

/** Title of the system panel that reads container restarts (kube-state-metrics). */
export const RESTARTS_PANEL = 'Container restarts (1h)';

/** The HTTP panels of the system row: without HTTP calls to the service they have nothing to show. */
export const HTTP_SYSTEM_PANELS = ['Request rate by route', 'Error ratio (5xx) by route', 'Latency p50 / p95 / p99', 'Latency p99 by route'] as const;
