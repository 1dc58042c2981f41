// The dashboard outputs: the JSON model from @shopwatch/dashboards, delivered as a ConfigMap the
// Grafana sidecar picks up (label + folder annotation) and, when asked, as a grafana-operator
// GrafanaDashboard. Both carry the same JSON, so the two delivery paths cannot disagree.
import { buildServiceDashboard, type ServiceDashboardInput } from '@shopwatch/dashboards';
import type { ServiceObservability } from '../api/v1alpha1.ts';
import type { OperatorSettings, SpecProblem } from './contract.ts';
import { outputNames, ownedMetadata, type OwnedObject } from './meta.ts';
import { checkPanelExpr } from './promql.ts';
import { burnRateAlerts } from './slo.ts';

export const DEFAULT_FOLDER = 'Shopwatch';

export function dashboardProblems(resource: ServiceObservability): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const row of ['marketing', 'business'] as const) {
    (resource.spec.dashboard?.[row] ?? []).forEach((panel, i) => {
      const check = checkPanelExpr(panel.expr);
      if (!check.ok) {
        problems.push({ condition: 'DashboardReady', reason: 'InvalidPromQL', message: `spec.dashboard.${row}[${i}].expr: ${check.error}` });
      }
    });
  }
  return problems;
}

export function dashboardInput(resource: ServiceObservability): ServiceDashboardInput {
  const spec = resource.spec;
  const dashboard = spec.dashboard ?? {};
  const input: ServiceDashboardInput = {
    namespace: resource.metadata.namespace,
    name: resource.metadata.name,
    service: spec.service.name,
    title: dashboard.title ?? spec.service.name,
    marketing: dashboard.marketing ?? [],
    business: dashboard.business ?? [],
    slos: (spec.slos ?? []).map((slo) => {
      const factors = burnRateAlerts(slo.window).map((a) => a.factor);
      return {
        name: slo.name,
        objective: slo.objective,
        window: slo.window,
        ...(slo.description ? { description: slo.description } : {}),
        alertBurnRates: { page: Math.max(...factors), ticket: Math.min(...factors) },
      };
    }),
    links: dashboard.links ?? [],
  };
  return input;
}

export function dashboardJson(resource: ServiceObservability): string {
  // Compact: the ConfigMap is stored in etcd and cached by every informer watching ConfigMaps;
  // indentation would double its size for no reader (the readable form is the dashboards golden file).
  return JSON.stringify(buildServiceDashboard(dashboardInput(resource)));
}

export interface DashboardBuild {
  objects: OwnedObject[];
  problems: SpecProblem[];
}

export function buildDashboards(resource: ServiceObservability, settings: OperatorSettings): DashboardBuild {
  const spec = resource.spec;
  if (spec.dashboard?.enabled === false) return { objects: [], problems: [] };
  const problems = dashboardProblems(resource);
  if (problems.length > 0) return { objects: [], problems };

  const names = outputNames(resource);
  const folder = spec.dashboard?.folder ?? DEFAULT_FOLDER;
  const json = dashboardJson(resource);
  const objects: OwnedObject[] = [];

  if (spec.output?.sidecarConfigMap !== false) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: ownedMetadata(resource, settings, names.dashboardConfigMap, {
        labels: { [settings.dashboardLabel]: '1' },
        annotations: { [settings.folderAnnotation]: folder },
      }),
      data: { [`${resource.metadata.namespace}-${resource.metadata.name}.json`]: json },
    });
  }

  const grafanaDashboard = spec.output?.grafanaDashboard;
  if (grafanaDashboard?.enabled) {
    objects.push({
      apiVersion: 'grafana.integreatly.org/v1beta1',
      kind: 'GrafanaDashboard',
      metadata: ownedMetadata(resource, settings, names.grafanaDashboard),
      spec: {
        // Without a selector the dashboard would land in no Grafana at all; an empty selector
        // matches every Grafana instance the grafana-operator may import into.
        instanceSelector: grafanaDashboard.instanceSelector ?? {},
        ...(grafanaDashboard.allowCrossNamespaceImport ? { allowCrossNamespaceImport: true } : {}),
        folder,
        json,
      },
    });
  }
  return { objects, problems: [] };
}
