// Names of the SLO recording rules. The operator writes them (PrometheusRule) and the dashboards
// read them, so both import the names from here and cannot drift apart.

/** The window SLIs are read from raw series at; every longer window derives from it. */
export const SLI_BASE_WINDOW = '5m';

export const SLO_RECORDS = {
  errorEvents: `slo:sli_error_events:rate${SLI_BASE_WINDOW}`,
  totalEvents: `slo:sli_total_events:rate${SLI_BASE_WINDOW}`,
  errorRatio: (window: string): string => `slo:sli_error:ratio_rate${window}`,
  burnRate: (window: string): string => `slo:burn_rate:ratio_rate${window}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  budgetRemaining: 'slo:error_budget_remaining:ratio',
} as const;

/** Labels every SLO recording rule carries. */
export const SLO_LABELS = ['namespace', 'service', 'slo'] as const;
