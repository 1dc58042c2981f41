// The ServiceObservability API (observability.shopwatch.dev/v1alpha1) as TypeScript types.
// This file is the contract between the CRD schema (crd/), the pure desired-state builders
// (src/desired/) and the reconcile loop (src/controller/). Add optional fields freely; renaming
// or removing one is an API change and needs a new version.

export const GROUP = 'observability.shopwatch.dev';
export const VERSION = 'v1alpha1';
export const KIND = 'ServiceObservability';
export const PLURAL = 'serviceobservabilities';
export const API_VERSION = `${GROUP}/${VERSION}`;

export type SloWindow = '30d' | '28d';
export type Severity = 'critical' | 'warning' | 'info';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

export interface ServiceRef {
  /** The service's name as it appears in the `service`/`job` label and in titles. */
  name: string;
  /** Selects the Kubernetes Service(s) whose endpoints are scraped. */
  selector: LabelSelector;
  metrics?: {
    /** Named Service port to scrape (default `http`). */
    port?: string;
    /** Default `/metrics`. */
    path?: string;
    /** Prometheus duration, default `30s`. */
    interval?: string;
    scrapeTimeout?: string;
  };
}

/** Availability SLI: share of HTTP requests that did not fail with a server error. */
export interface AvailabilitySli {
  /** Regex over `status_code` counted as errors; default `5..`. */
  errorStatusCodes?: string;
  /** Optional route filter (regex over the `route` label). */
  routes?: string;
}

/** Latency SLI: share of HTTP requests served faster than a threshold (a histogram bucket bound). */
export interface LatencySli {
  /** Seconds as a string, must equal an `le` bucket of http_server_request_duration_seconds, e.g. "0.3". */
  thresholdSeconds: string;
  routes?: string;
}

/**
 * Custom ratio SLI: PromQL selectors of two counters (no range, no rate): events that were good
 * and all events. The builder wraps them in rate()/sum() itself, so the expressions stay simple
 * and every window is derived consistently.
 */
export interface RatioSli {
  good: string;
  total: string;
}

export interface Slo {
  /** DNS-label-like name, unique within the resource. */
  name: string;
  description?: string;
  /** Percentage as a string, strictly between 0 and 100, e.g. "99.5". */
  objective: string;
  window: SloWindow;
  /** Exactly one of availability, latency, ratio. */
  availability?: AvailabilitySli;
  latency?: LatencySli;
  ratio?: RatioSli;
}

export type PanelVisualisation = 'timeseries' | 'stat' | 'gauge' | 'bargauge' | 'table' | 'piechart';

export interface PanelSpec {
  title: string;
  /** PromQL; may use $namespace and $__rate_interval. Parsed before anything is written. */
  expr: string;
  /** Grafana unit id, e.g. `reqps`, `percentunit`, `s`, `currencyEUR`, `short`. */
  unit?: string;
  visualisation?: PanelVisualisation;
  description?: string;
  /** Legend format, e.g. `{{route}}`. */
  legend?: string;
}

export interface DashboardSpec {
  /** Default true. */
  enabled?: boolean;
  /** Grafana folder (sidecar folder annotation / GrafanaDashboard folder). Default `Shopwatch`. */
  folder?: string;
  /** Default `<service name>`. */
  title?: string;
  marketing?: PanelSpec[];
  business?: PanelSpec[];
  links?: Array<{ title: string; url: string }>;
}

export interface AlertSpec {
  name: string;
  expr: string;
  /** Prometheus duration, default `5m`. */
  for?: string;
  severity: Severity;
  summary: string;
  description: string;
  runbookUrl?: string;
}

export interface OutputSpec {
  /** Extra labels on every generated object (e.g. what Prometheus selectors require). */
  labels?: Record<string, string>;
  /** Value of the `release` label kube-prometheus-stack selects on; default from the operator's settings. */
  release?: string;
  /** Dashboard as a ConfigMap for the Grafana sidecar (default true). */
  sidecarConfigMap?: boolean;
  /** Also create a grafana-operator `GrafanaDashboard` selecting these Grafana instances. */
  grafanaDashboard?: {
    enabled: boolean;
    instanceSelector?: LabelSelector;
    /** Optional (added): let Grafana instances in other namespaces import the dashboard (default false). */
    allowCrossNamespaceImport?: boolean;
  };
}

/**
 * Thresholds of the golden-signal alerts generated for every service (added in v1alpha1 as an
 * optional field; every threshold has a default).
 */
export interface GoldenSignalsSpec {
  /** Default true. */
  enabled?: boolean;
  /** Share of 5xx responses over 5m that fires a warning, as a string, default `"0.05"`. */
  errorRatio?: string;
  /** p99 HTTP latency in seconds that fires a warning, default `"1"`. */
  latencyP99Seconds?: string;
  /** p99 event-loop lag in seconds that fires a warning, default `"0.2"`. */
  eventLoopLagSeconds?: string;
  /** Container restarts within 15 minutes that fire a warning, default 3. */
  restarts?: number;
}

export interface ServiceObservabilitySpec {
  service: ServiceRef;
  slos?: Slo[];
  dashboard?: DashboardSpec;
  alerts?: AlertSpec[];
  /** Optional (added): golden-signal alert thresholds. */
  goldenSignals?: GoldenSignalsSpec;
  output?: OutputSpec;
}

export type ConditionType = 'Ready' | 'ScrapeReady' | 'RulesReady' | 'DashboardReady';

export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ServiceObservabilityStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  /** Names of the objects this resource produced, for `kubectl get -o wide`. */
  outputs?: { serviceMonitor?: string; prometheusRule?: string; dashboardConfigMap?: string; grafanaDashboard?: string };
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ServiceObservability {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: ServiceObservabilitySpec;
  status?: ServiceObservabilityStatus;
}
