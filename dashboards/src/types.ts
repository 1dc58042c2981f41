// Inputs of the dashboard builders: plain data, shaped like the ServiceObservability spec so the
// operator can pass its fields straight through, and usable without the operator.

export type Visualisation = 'timeseries' | 'stat' | 'gauge' | 'bargauge' | 'table' | 'piechart';

export interface PanelInput {
  title: string;
  /** PromQL; may use $namespace and $__rate_interval. */
  expr: string;
  /** Grafana unit id, e.g. reqps, percentunit, s, currencyEUR, short. */
  unit?: string;
  visualisation?: Visualisation;
  description?: string;
  /** Legend format, e.g. {{route}}. */
  legend?: string;
}

export interface SloInput {
  name: string;
  /** Percentage string, e.g. "99.5". */
  objective: string;
  window: '30d' | '28d';
  description?: string;
  /**
   * Burn rates at which the SLO's alerts fire (fastest page, slowest ticket), drawn as reference
   * lines on the burn-rate panel. The operator passes the factors it derived for the window.
   */
  alertBurnRates?: { page: number; ticket: number };
}

export interface LinkInput {
  title: string;
  url: string;
}

export interface ServiceDashboardInput {
  /** Namespace of the resource: part of the uid and the default of the namespace variable. */
  namespace: string;
  /** Resource name, part of the uid. Defaults to the service name. */
  name?: string;
  /** The `service` label value. */
  service: string;
  title?: string;
  marketing?: PanelInput[];
  business?: PanelInput[];
  slos?: SloInput[];
  links?: LinkInput[];
  tags?: string[];
}
