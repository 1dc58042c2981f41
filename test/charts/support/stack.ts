// charts/shopwatch-stack as the tests can render it here. Its kube-prometheus-stack dependency
// cannot be fetched on this machine, and Helm refuses a chart whose Chart.yaml lists a
// dependency missing from charts/ even when the dependency's condition is false. So the chart
// is rendered from a copy in a temporary directory whose Chart.yaml lists only the dependencies
// present (the shopwatch symlink): our templates and the platform subchart are rendered by Helm
// exactly as in the real chart, with the kube-prometheus-stack values still in place (our
// templates read them) but none of its objects. Nothing stands in for the missing chart.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { helm, parseManifests, type RunOptions, type RunResult } from '@shopwatch/testkit';
import { repoRoot, type Manifest } from './chart.ts';

export const stackChartDir = path.join(repoRoot, 'charts', 'shopwatch-stack');
/** Upstream reference data (kube-prometheus-stack and Grafana chart defaults), beside the repository. */
export const referenceDir = path.join(repoRoot, '..', 'shared', 'reference');

interface Dependency {
  name: string;
  version: string;
  repository?: string;
  condition?: string;
}

export interface RenderableStack {
  dir: string;
  /** Dependencies left out of the copy's Chart.yaml because charts/ does not hold them. */
  leftOut: string[];
  remove(): void;
}

/** The copy described above. Dependencies present in charts/ (directory, symlink or archive) are kept. */
export function renderableStack(): RenderableStack {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shopwatch-stack-'));
  for (const entry of readdirSync(stackChartDir)) {
    // Chart.lock pins the full dependency list, which the copy no longer has.
    if (entry !== 'charts' && entry !== 'Chart.lock') cpSync(path.join(stackChartDir, entry), path.join(dir, entry), { recursive: true });
  }
  const present = readdirSync(path.join(stackChartDir, 'charts'));
  const chart = parse(readFileSync(path.join(stackChartDir, 'Chart.yaml'), 'utf8')) as { dependencies?: Dependency[] };
  const kept: Dependency[] = [];
  const leftOut: string[] = [];
  for (const dependency of chart.dependencies ?? []) {
    const have = present.find((entry) => entry === dependency.name || entry.startsWith(`${dependency.name}-`));
    if (have) kept.push(dependency);
    else leftOut.push(dependency.name);
  }
  // Each entry of charts/ is linked from the copy by its absolute path (the copy lives elsewhere).
  const charts = path.join(dir, 'charts');
  mkdirSync(charts);
  for (const entry of present) symlinkSync(path.join(stackChartDir, 'charts', entry), path.join(charts, entry));
  writeFileSync(path.join(dir, 'Chart.yaml'), stringify({ ...chart, dependencies: kept }));
  if (!existsSync(path.join(charts, 'shopwatch'))) throw new Error('charts/shopwatch-stack/charts/shopwatch is missing');
  return { dir, leftOut, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function helmStack(stack: RenderableStack, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return helm(args.map((a) => (a === '{chart}' ? stack.dir : a)), { kubeconfig: '/dev/null', ...options });
}

export async function renderStack(stack: RenderableStack, release: string, namespace: string, args: readonly string[] = []): Promise<Manifest[]> {
  const { stdout } = await helmStack(stack, ['template', release, '{chart}', '--namespace', namespace, ...args]);
  return parseManifests(stdout);
}

/** Objects of this chart's own templates (not the platform subchart's). */
export function ownObjects(objects: readonly Manifest[]): Manifest[] {
  return objects.filter((o) => (o.metadata?.labels?.['helm.sh/chart'] ?? '').startsWith('shopwatch-stack-'));
}

/**
 * kube-prometheus-stack's long-running pods and which of our values set each container's
 * resources (paths under `kube-prometheus-stack`). Their manifests cannot be rendered here, so
 * the footprint of these pods is summed from the values that set their requests.
 */
export const kpsPods: { pod: string; containers: { name: string; resources: string }[] }[] = [
  {
    pod: 'prometheus',
    containers: [
      { name: 'prometheus', resources: 'prometheus.prometheusSpec.resources' },
      { name: 'config-reloader', resources: 'prometheusOperator.prometheusConfigReloader.resources' },
    ],
  },
  {
    pod: 'alertmanager',
    containers: [
      { name: 'alertmanager', resources: 'alertmanager.alertmanagerSpec.resources' },
      { name: 'config-reloader', resources: 'prometheusOperator.prometheusConfigReloader.resources' },
    ],
  },
  { pod: 'prometheus-operator', containers: [{ name: 'operator', resources: 'prometheusOperator.resources' }] },
  { pod: 'kube-state-metrics', containers: [{ name: 'kube-state-metrics', resources: 'kube-state-metrics.resources' }] },
  {
    pod: 'grafana',
    containers: [
      { name: 'grafana', resources: 'grafana.resources' },
      { name: 'grafana-sc-dashboard', resources: 'grafana.sidecar.resources' },
      { name: 'grafana-sc-datasources', resources: 'grafana.sidecar.resources' },
    ],
  },
];

export function valueAt(tree: unknown, dotted: string): unknown {
  let node = tree;
  for (const part of dotted.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}
