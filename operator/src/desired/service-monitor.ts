// The ServiceMonitor that makes Prometheus (via prometheus-operator) scrape the service.
import type { LabelSelector, ServiceObservability } from '../api/v1alpha1.ts';
import type { OperatorSettings, SpecProblem } from './contract.ts';
import { outputNames, ownedMetadata, type OwnedObject } from './meta.ts';

export const DEFAULT_METRICS_PORT = 'http';
export const DEFAULT_METRICS_PATH = '/metrics';
export const DEFAULT_SCRAPE_INTERVAL = '30s';

function copySelector(selector: LabelSelector): LabelSelector {
  const copy: LabelSelector = {};
  if (selector.matchLabels) copy.matchLabels = { ...selector.matchLabels };
  if (selector.matchExpressions) {
    copy.matchExpressions = selector.matchExpressions.map((e) =>
      e.values ? { key: e.key, operator: e.operator, values: [...e.values] } : { key: e.key, operator: e.operator },
    );
  }
  return copy;
}

const SCRAPE_DURATION = /^(\d+(ms|s|m|h))+$/;

/** The scrape settings the ServiceMonitor CRD would reject, caught before anything is written. */
export function scrapeProblems(resource: ServiceObservability): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const metrics = resource.spec.service.metrics ?? {};
  for (const field of ['interval', 'scrapeTimeout'] as const) {
    const value = metrics[field];
    if (value !== undefined && !SCRAPE_DURATION.test(value)) {
      problems.push({ condition: 'ScrapeReady', reason: 'InvalidDuration', message: `spec.service.metrics.${field}: ${JSON.stringify(value)} is not a duration such as 30s` });
    }
  }
  const selector = resource.spec.service.selector;
  if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    problems.push({ condition: 'ScrapeReady', reason: 'EmptySelector', message: 'spec.service.selector: selects every Service in the namespace; set matchLabels or matchExpressions' });
  }
  return problems;
}

export function buildServiceMonitor(resource: ServiceObservability, settings: OperatorSettings): OwnedObject {
  const service = resource.spec.service;
  const metrics = service.metrics ?? {};
  const endpoint: Record<string, unknown> = {
    port: metrics.port ?? DEFAULT_METRICS_PORT,
    path: metrics.path ?? DEFAULT_METRICS_PATH,
    interval: metrics.interval ?? DEFAULT_SCRAPE_INTERVAL,
  };
  if (metrics.scrapeTimeout) endpoint.scrapeTimeout = metrics.scrapeTimeout;
  // Rules and dashboards select on service="<spec.service.name>". prometheus-operator sets the
  // `service` label to the Kubernetes Service's name, which may differ (e.g. a Helm fullname),
  // so pin it to the declared name.
  endpoint.relabelings = [{ action: 'replace', targetLabel: 'service', replacement: service.name }];

  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: ownedMetadata(resource, settings, outputNames(resource).serviceMonitor),
    spec: {
      selector: copySelector(service.selector),
      namespaceSelector: { matchNames: [resource.metadata.namespace] },
      endpoints: [endpoint],
    },
  };
}
