// Rendering charts/shopwatch with the pinned helm and reading what it rendered: workloads, their
// pod specs, resource quantities. Shared by the render and install tests.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject, V1Container, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import { helm, parseManifests } from '@shopwatch/testkit';

export const repoRoot = process.env.SHOPWATCH_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));
export const chartDir = path.join(repoRoot, 'charts', 'shopwatch');
export const ciValues = ['default', 'minimal', 'external', 'observability-off'].map((name) => ({
  name,
  file: path.join(chartDir, 'ci', `${name}-values.yaml`),
}));

export type Manifest = KubernetesObject & { spec?: Record<string, unknown>; data?: Record<string, string> };

export async function renderChart(release: string, namespace: string, args: readonly string[] = []): Promise<Manifest[]> {
  const { stdout } = await helm(['template', release, chartDir, '--namespace', namespace, ...args], { kubeconfig: '/dev/null' });
  return parseManifests(stdout);
}

export interface Workload {
  kind: string;
  name: string;
  replicas: number;
  template: V1PodTemplateSpec;
  pod: V1PodSpec;
  /** Labels of the Helm chart that rendered it (`shopwatch-0.1.0`, `shopwatch-operator-0.1.0`). */
  chart: string;
}

export function workloads(objects: readonly Manifest[]): Workload[] {
  const out: Workload[] = [];
  for (const object of objects) {
    if (!['Deployment', 'StatefulSet', 'Job', 'DaemonSet'].includes(object.kind ?? '')) continue;
    const spec = object.spec as { replicas?: number; template: V1PodTemplateSpec };
    out.push({
      kind: object.kind ?? '',
      name: object.metadata?.name ?? '',
      replicas: object.kind === 'Job' ? 1 : (spec.replicas ?? 1),
      template: spec.template,
      pod: spec.template.spec as V1PodSpec,
      chart: object.metadata?.labels?.['helm.sh/chart'] ?? '',
    });
  }
  return out;
}

export function allContainers(pod: V1PodSpec): V1Container[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

/** CPU in cores. */
export function cpu(quantity: string | number | undefined): number {
  if (quantity === undefined) return 0;
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

const MEMORY_UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12, '': 1 };

/** Memory in bytes. */
export function memory(quantity: string | number | undefined): number {
  if (quantity === undefined) return 0;
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(String(quantity));
  const unit = match ? MEMORY_UNITS[match[2] ?? ''] : undefined;
  if (!match || unit === undefined) throw new Error(`cannot read memory quantity ${String(quantity)}`);
  return Number(match[1]) * unit;
}

export interface Footprint {
  cpuRequests: number;
  memoryRequests: number;
  cpuLimits: number;
  memoryLimits: number;
  pods: number;
}

/**
 * What the long-running pods ask the scheduler for: per pod the larger of its init containers
 * (one at a time) and the sum of its containers, times replicas. Jobs are left out (they finish).
 */
export function footprint(all: readonly Workload[]): Footprint {
  const sum: Footprint = { cpuRequests: 0, memoryRequests: 0, cpuLimits: 0, memoryLimits: 0, pods: 0 };
  for (const w of all) {
    if (w.kind === 'Job') continue;
    const effective = (pick: (c: V1Container) => number) =>
      Math.max(Math.max(0, ...(w.pod.initContainers ?? []).map(pick)), w.pod.containers.map(pick).reduce((a, b) => a + b, 0));
    sum.cpuRequests += w.replicas * effective((c) => cpu(c.resources?.requests?.cpu));
    sum.memoryRequests += w.replicas * effective((c) => memory(c.resources?.requests?.memory));
    sum.cpuLimits += w.replicas * effective((c) => cpu(c.resources?.limits?.cpu));
    sum.memoryLimits += w.replicas * effective((c) => memory(c.resources?.limits?.memory));
    sum.pods += w.replicas;
  }
  return sum;
}

export function formatFootprint(name: string, f: Footprint): string {
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(2);
  return (
    `chart footprint (${name}): ${f.pods} pods, requests cpu=${f.cpuRequests.toFixed(2)} memory=${gib(f.memoryRequests)}GiB, ` +
    `limits cpu=${f.cpuLimits.toFixed(2)} memory=${gib(f.memoryLimits)}GiB`
  );
}
