// buildDesired: the one entry point the reconcile loop calls. Pure: the same resource and
// settings always give the same objects (stable key order, no timestamps). Each condition is
// built independently, so a bad alert expression blocks only the PrometheusRule, never the
// ServiceMonitor or the dashboard.
import type { ServiceObservability } from '../api/v1alpha1.ts';
import type { DesiredOutput, DesiredState, OperatorSettings, SpecProblem } from './contract.ts';
import { buildDashboards } from './dashboard.ts';
import { buildPrometheusRule } from './prometheus-rule.ts';
import { buildServiceMonitor, scrapeProblems } from './service-monitor.ts';

export type { DesiredOutput, DesiredState, KubeObject, OperatorSettings, SpecProblem } from './contract.ts';
export { outputNames, MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_LABEL } from './meta.ts';

export function buildDesired(resource: ServiceObservability, settings: OperatorSettings): DesiredState {
  const outputs: DesiredOutput[] = [];
  const problems: SpecProblem[] = [];

  const scrape = scrapeProblems(resource);
  problems.push(...scrape);
  if (scrape.length === 0) outputs.push({ condition: 'ScrapeReady', object: buildServiceMonitor(resource, settings) });

  const rules = buildPrometheusRule(resource, settings);
  problems.push(...rules.problems);
  if (rules.object) outputs.push({ condition: 'RulesReady', object: rules.object });

  const dashboards = buildDashboards(resource, settings);
  problems.push(...dashboards.problems);
  for (const object of dashboards.objects) outputs.push({ condition: 'DashboardReady', object });

  return { outputs, problems };
}
