// What `make dashboards` rendered into .local/rendered/: every dashboard's panels with their
// queries, each with the condition under which it has data (the manifest's `requires`). Pure
// reading and parsing; no Prometheus here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@shopwatch/testkit';

export interface RenderedPanel {
  dashboard: string;
  title: string;
  exprs: string[];
  datasourceUids: string[];
  /** undefined: has data in normal operation; `cluster`; or a named condition. */
  requires?: string;
}

export interface RenderedDashboard {
  file: string;
  model: GrafanaDashboard;
  panels: RenderedPanel[];
}

export interface Manifest {
  namespace: string;
  profile: 'default' | 'test';
  factor: number;
  dashboards: string[];
  rules: string[];
  /** Panels that have data only under a condition; every other panel must have data in normal operation. */
  conditions: Array<{ dashboard: string; title?: string; titlePrefix?: string; requires: string }>;
}

interface GrafanaTarget {
  expr?: string;
  datasource?: { uid?: string; type?: string };
}

export interface GrafanaPanel {
  type: string;
  title?: string;
  datasource?: { uid?: string; type?: string };
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  panels?: GrafanaPanel[];
  templating?: { list?: Array<{ name: string; type: string; query?: unknown; datasource?: { uid?: string } }> };
}

export function renderedDir(): string {
  return join(repoRoot(), '.local', 'rendered');
}

export function readManifest(dir = renderedDir()): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

function flatten(panels: GrafanaPanel[] = []): GrafanaPanel[] {
  return panels.flatMap((p) => [p, ...flatten(p.panels)]);
}

function requirement(manifest: Manifest, file: string, title: string): string | undefined {
  const entry = manifest.conditions.find(
    (c) => c.dashboard === file && (c.title === title || (c.titlePrefix !== undefined && title.startsWith(c.titlePrefix))),
  );
  return entry?.requires;
}

export function readDashboards(dir = renderedDir()): RenderedDashboard[] {
  const manifest = readManifest(dir);
  return manifest.dashboards.map((file) => {
    const model = JSON.parse(readFileSync(join(dir, file), 'utf8')) as GrafanaDashboard;
    const panels = flatten(model.panels)
      .filter((p) => p.type !== 'row' && p.type !== 'text')
      .map((p) => {
        const title = p.title ?? '';
        const requires = requirement(manifest, file, title);
        return {
          dashboard: file,
          title,
          exprs: (p.targets ?? []).map((t) => t.expr ?? ''),
          datasourceUids: [p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource?.uid)].filter((u): u is string => u !== undefined),
          ...(requires ? { requires } : {}),
        };
      });
    return { file, model, panels };
  });
}

/**
 * Grafana's variables as the panel test sets them: the dev namespace and a rate interval of four
 * local scrapes (Grafana's own rule for $__rate_interval). A variable left over fails the panel.
 */
export function substitute(expr: string, namespace: string): string {
  const values: Record<string, string> = { namespace, __rate_interval: '1m', __interval: '15s', __range: '10m' };
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => values[name] ?? whole);
}
