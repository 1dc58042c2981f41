// The spec files of charts/shopwatch/observability/ as ServiceObservability resources. Pure: the
// caller reads the files. Each file is a spec without `service` (the chart fills that in from
// its own labels; here the dev labels are used), and panels may carry `requires`, which says
// when the panel has data and is no field of the CRD, so it is lifted out here.
import type { DashboardSpec, PanelSpec, ServiceObservability, ServiceObservabilitySpec } from '../api/v1alpha1.ts';
import { API_VERSION, KIND } from '../api/v1alpha1.ts';

/** A panel's data condition: `cluster` (kube-state-metrics/cAdvisor) or a named condition the panel test creates. */
export type PanelRequirement = string;

export interface PanelDeclaration {
  service: string;
  row: 'marketing' | 'business';
  title: string;
  requires?: PanelRequirement;
}

export interface LoadedSpec {
  resource: ServiceObservability;
  panels: PanelDeclaration[];
  /**
   * Set when the service's HTTP API gets no calls from normal traffic (the saga reaches it over
   * Kafka, or only people and tools call it): the condition under which its HTTP panels have data.
   */
  httpTraffic?: PanelRequirement;
}

type SpecFile = Omit<ServiceObservabilitySpec, 'service' | 'dashboard'> & {
  httpTraffic?: string;
  dashboard?: Omit<DashboardSpec, 'marketing' | 'business'> & {
    marketing?: Array<PanelSpec & { requires?: string }>;
    business?: Array<PanelSpec & { requires?: string }>;
  };
};

export function loadSpec(service: string, file: unknown, namespace: string): LoadedSpec {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new Error(`${service}: the spec file is not a mapping`);
  const { httpTraffic, ...spec } = structuredClone(file) as SpecFile;
  const panels: PanelDeclaration[] = [];
  const dashboard: DashboardSpec = { ...(spec.dashboard ?? {}) };
  for (const row of ['marketing', 'business'] as const) {
    const declared = spec.dashboard?.[row];
    if (!declared) continue;
    dashboard[row] = declared.map(({ requires, ...panel }) => {
      panels.push({ service, row, title: panel.title, ...(requires ? { requires } : {}) });
      return panel;
    });
  }
  const resource: ServiceObservability = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: service, namespace, uid: `rendered-${service}` },
    spec: {
      ...spec,
      service: { name: service, selector: { matchLabels: { 'app.kubernetes.io/name': service } } },
      dashboard,
    },
  };
  return { resource, panels, ...(httpTraffic ? { httpTraffic } : {}) };
}
