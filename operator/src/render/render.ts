// Everything the operator would write for a set of ServiceObservability resources, as files:
// Prometheus rule files (the PrometheusRule's groups, loadable with `rule_files`), Grafana dashboard
// JSON (one per service plus the cross-service ones) and a manifest the panel test reads. Pure: the
// same specs and options always give the same files.
import { buildServiceDashboard, CROSS_SERVICE_REQUIREMENTS, crossServiceDashboards, HTTP_SYSTEM_PANELS, RESTARTS_PANEL } from '@shopwatch/dashboards';
import { stringify } from 'yaml';
import type { OperatorSettings, SpecProblem } from '../desired/contract.ts';
import { dashboardInput, dashboardProblems } from '../desired/dashboard.ts';
import { buildRuleGroups } from '../desired/prometheus-rule.ts';
import { scaleRuleGroups, TEST_PROFILE_FACTOR } from './profile.ts';
import type { LoadedSpec, PanelRequirement } from './specs.ts';

export const RENDER_SETTINGS: OperatorSettings = {
  defaultRelease: 'kube-prometheus-stack',
  dashboardLabel: 'grafana_dashboard',
  folderAnnotation: 'grafana_folder',
  grafanaUrl: 'http://localhost:3000',
  runbookBaseUrl: 'https://shopwatch.dev/runbooks',
};

export interface RenderOptions {
  /** Divide every rule range, interval and `for:` by TEST_PROFILE_FACTOR. */
  testProfile: boolean;
  settings?: OperatorSettings;
}

/** When a rendered panel has data: matched by dashboard file and exact title or title prefix. */
export interface PanelCondition {
  dashboard: string;
  title?: string;
  titlePrefix?: string;
  requires: PanelRequirement;
}

export interface RenderManifest {
  namespace: string;
  profile: 'default' | 'test';
  factor: number;
  dashboards: string[];
  rules: string[];
  /** Every panel not named here has data in normal operation (loadgen running). */
  conditions: PanelCondition[];
}

export interface RenderResult {
  /** Relative path → file content. */
  files: Record<string, string>;
  manifest: RenderManifest;
  problems: Array<SpecProblem & { service: string }>;
}

export function renderAll(specs: LoadedSpec[], namespace: string, options: RenderOptions): RenderResult {
  const settings = options.settings ?? RENDER_SETTINGS;
  const factor = options.testProfile ? TEST_PROFILE_FACTOR : 1;
  const files: Record<string, string> = {};
  const problems: RenderResult['problems'] = [];
  const manifest: RenderManifest = { namespace, profile: options.testProfile ? 'test' : 'default', factor, dashboards: [], rules: [], conditions: [] };

  for (const loaded of specs) {
    const { resource, panels } = loaded;
    const service = resource.spec.service.name;
    const rules = buildRuleGroups(resource, settings);
    const dashboard = dashboardProblems(resource);
    problems.push(...[...rules.problems, ...dashboard].map((p) => ({ ...p, service })));
    if (rules.problems.length === 0) {
      const groups = options.testProfile ? scaleRuleGroups(rules.groups, factor) : rules.groups;
      const path = `rules/${service}.yml`;
      files[path] = `# Rendered from charts/shopwatch/observability/${service}.yaml (profile: ${manifest.profile}). Do not edit.\n${stringify({ groups }, { lineWidth: 0 })}`;
      manifest.rules.push(path);
    }
    if (dashboard.length === 0 && resource.spec.dashboard?.enabled !== false) {
      const path = `dashboards/${service}.json`;
      files[path] = `${JSON.stringify(buildServiceDashboard(dashboardInput(resource)), null, 2)}\n`;
      manifest.dashboards.push(path);
    }
    const dashboardFile = `dashboards/${service}.json`;
    for (const p of panels) if (p.requires) manifest.conditions.push({ dashboard: dashboardFile, title: p.title, requires: p.requires });
    manifest.conditions.push({ dashboard: dashboardFile, title: RESTARTS_PANEL, requires: 'cluster' });
    if (loaded.httpTraffic) {
      const requires = loaded.httpTraffic;
      for (const title of HTTP_SYSTEM_PANELS) manifest.conditions.push({ dashboard: dashboardFile, title, requires });
      for (const slo of resource.spec.slos ?? []) {
        if (slo.availability || slo.latency) manifest.conditions.push({ dashboard: dashboardFile, titlePrefix: `${slo.name} (`, requires });
      }
    }
  }
  for (const [file, model] of Object.entries(crossServiceDashboards())) {
    const path = `dashboards/${file}`;
    files[path] = `${JSON.stringify(model, null, 2)}\n`;
    manifest.dashboards.push(path);
    for (const [title, requires] of Object.entries(CROSS_SERVICE_REQUIREMENTS[file] ?? {})) manifest.conditions.push({ dashboard: path, title, requires });
  }
  files['manifest.json'] = `${JSON.stringify(manifest, null, 2)}\n`;
  return { files, manifest, problems };
}
