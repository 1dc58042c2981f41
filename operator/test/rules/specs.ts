// The repository's ServiceObservability specs and the rule groups the operator renders for them:
// the example resources of k8s/examples and the per-service specs of charts/shopwatch/observability
// (a spec without `service`, which the chart fills in; panels may carry `requires`, which does not
// change any rule). Both the runbook check and the promtool cases start from here, so they cover
// exactly what the operator would write.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { KIND, type ServiceObservability } from '../../src/api/v1alpha1.ts';
import type { OperatorSettings } from '../../src/desired/contract.ts';
import { buildRuleGroups, type AlertingRule, type RuleGroup } from '../../src/desired/prometheus-rule.ts';
import { loadSpec } from '../../src/render/specs.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const RUNBOOK_DIR = join(REPO_ROOT, 'docs', 'runbooks');

/** Fixed settings, so expected links are stable; the namespace of the chart's specs is the dev one. */
export const SETTINGS: OperatorSettings = {
  defaultRelease: 'kube-prometheus-stack',
  dashboardLabel: 'grafana_dashboard',
  folderAnnotation: 'grafana_folder',
  grafanaUrl: 'http://grafana.test',
  runbookBaseUrl: 'https://runbooks.test/docs/runbooks',
};
export const CHART_NAMESPACE = 'shop';

export interface RenderedSpec {
  /** Where it came from, e.g. `k8s/examples/orders.serviceobservability.yaml`. */
  source: string;
  /** `examples` or `chart`: the folder of cases/ with its custom alerts' hand-written cases. */
  origin: Origin;
  resource: ServiceObservability;
  groups: RuleGroup[];
  alerts: AlertingRule[];
}

export type Origin = 'examples' | 'chart';
type Loaded = { source: string; origin: Origin; resource: ServiceObservability };

function exampleResources(): Loaded[] {
  const dir = join(REPO_ROOT, 'k8s', 'examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.serviceobservability.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
        .map((doc) => doc.toJS() as ServiceObservability | null)
        .filter((doc): doc is ServiceObservability => doc?.kind === KIND)
        .map((resource) => ({ source: `k8s/examples/${file}`, origin: 'examples' as const, resource })),
    );
}

/** The chart's spec files, read as `make dashboards` reads them (operator/src/render/specs.ts). */
function chartResources(): Loaded[] {
  const dir = join(REPO_ROOT, 'charts', 'shopwatch', 'observability');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const spec = parseAllDocuments(readFileSync(join(dir, file), 'utf8'))[0]?.toJS() as unknown;
      const { resource } = loadSpec(basename(file, '.yaml'), spec, CHART_NAMESPACE);
      return { source: `charts/shopwatch/observability/${file}`, origin: 'chart' as const, resource };
    });
}

/** Every spec of the repository with its rendered rules; a spec the operator would refuse fails here. */
export function renderRepositorySpecs(): RenderedSpec[] {
  return [...exampleResources(), ...chartResources()].map(({ source, origin, resource }) => {
    const { groups, problems } = buildRuleGroups(resource, SETTINGS);
    if (problems.length > 0) throw new Error(`${source}: the operator refuses it: ${problems.map((p) => p.message).join('; ')}`);
    const alerts = groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);
    return { source, origin, resource, groups, alerts };
  });
}
