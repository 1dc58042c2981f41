// k8s/gitops against the real Argo CD and Flux APIs: their CRDs, from the projects' Go modules
// (scripts/gitops/crds.sh), applied to the local API server, and every manifest server-side
// dry-run with strict field validation, so a misspelt or misplaced field is an error, not a
// field the API server silently drops. Namespaced objects go into a test namespace (the
// manifests' own, argocd and flux-system, do not exist here); nothing is persisted.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { kubectl, useNamespace, waitForCrdEstablished, type RunResult } from '@shopwatch/testkit';
import { root } from './support/skaffold.ts';

const run = promisify(execFile);
const namespace = useNamespace('gitops');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** YAML documents as objects; a `List` (kubectl's output for several objects) as its items. */
function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as (Manifest & { items?: Manifest[] }) | null)
    .filter((doc): doc is Manifest & { items?: Manifest[] } => doc !== null)
    .flatMap((doc) => (doc.kind === 'List' ? (doc.items ?? []) : [doc]));
}

const argocd = (): Manifest[] => parseManifests(readFileSync(path.join(root, 'k8s/gitops/argocd/application.yaml'), 'utf8'));
async function flux(): Promise<Manifest[]> {
  // The directory as Flux (or `kubectl apply -k`) sees it: kustomize's output.
  return parseManifests((await kubectl(['kustomize', path.join(root, 'k8s/gitops/flux')])).stdout);
}

/** Server-side dry-run with strict field validation; namespaced objects into the test namespace. */
async function dryRun(objects: readonly Manifest[]): Promise<RunResult> {
  const moved = objects.map((o) => (o.kind === 'Namespace' ? o : { ...o, metadata: { ...o.metadata, namespace: namespace.name } }));
  return kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager=shopwatch-gitops-test', '-o', 'yaml', '-f', '-'], {
    input: moved.map((o) => stringify(o)).join('---\n'),
    allowFailure: true,
  });
}

beforeAll(async () => {
  const { stdout } = await run(path.join(root, 'scripts/gitops/crds.sh'), [], { timeout: 300_000 });
  const files = stdout.trim().split('\n');
  expect(files.map((f) => path.basename(f))).toEqual([
    'application-crd.yaml',
    'source.toolkit.fluxcd.io_gitrepositories.yaml',
    'helm.toolkit.fluxcd.io_helmreleases.yaml',
  ]);
  // Cluster-scoped and shared by every test run: applied (idempotent), never deleted.
  await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=shopwatch-gitops-test', ...files.flatMap((f) => ['-f', f])]);
  for (const crd of ['applications.argoproj.io', 'gitrepositories.source.toolkit.fluxcd.io', 'helmreleases.helm.toolkit.fluxcd.io']) {
    await waitForCrdEstablished(crd, { timeoutMs: 60_000 });
  }
}, 360_000);

describe('Argo CD Application', () => {
  it('is accepted by the Application CRD, with every field it sets kept', async () => {
    const objects = argocd();
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual(['argoproj.io/v1alpha1 Application']);
    const result = await dryRun(objects);
    expect(result.exitCode, result.stderr).toBe(0);
    const [app] = parseManifests(result.stdout);
    // Nothing pruned: the stored object carries every field the file sets.
    expect(app?.spec).toMatchObject(objects[0]?.spec ?? {});
    const spec = app?.spec as {
      source: { path: string; helm: { releaseName: string; valueFiles: string[] } };
      destination: { namespace: string };
      syncPolicy: { automated: { prune: boolean; selfHeal: boolean }; syncOptions: string[]; managedNamespaceMetadata: { labels: Record<string, string> } };
    };
    expect(spec.source.path).toBe('charts/shopwatch-stack');
    expect(spec.source.helm.releaseName).toBe('shopwatch');
    expect(spec.destination.namespace).toBe('shopwatch');
    expect(spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['ServerSideApply=true', 'CreateNamespace=true']));
    expect(spec.syncPolicy.managedNamespaceMetadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('names value files that exist in the repository, relative to the chart', () => {
    const [app] = argocd();
    const source = app?.spec?.['source'] as { path: string; helm: { valueFiles: string[] } };
    for (const file of source.helm.valueFiles) expect(readFileSync(path.join(root, source.path, file), 'utf8').length, file).toBeGreaterThan(0);
  });

  it('and a misspelt field is refused, naming it', async () => {
    const [app] = argocd();
    if (!app?.spec) throw new Error('no Application');
    const policy = app.spec['syncPolicy'] as Record<string, unknown>;
    const broken = { ...app, spec: { ...app.spec, syncPolicy: { ...policy, automated: { prune: true, selfHeall: true } } } };
    const result = await dryRun([broken]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('selfHeall');
  });
});

describe('Flux GitRepository and HelmRelease', () => {
  it('are accepted by the Flux CRDs (and the Namespace and values ConfigMap by the API server)', async () => {
    const objects = await flux();
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`).sort()).toEqual([
      'helm.toolkit.fluxcd.io/v2 HelmRelease',
      'source.toolkit.fluxcd.io/v1 GitRepository',
      'v1 ConfigMap',
      'v1 Namespace',
    ]);
    const result = await dryRun(objects);
    expect(result.exitCode, result.stderr).toBe(0);
    const stored = parseManifests(result.stdout);
    for (const object of objects) {
      const back = stored.find((o) => o.kind === object.kind);
      expect(back?.spec ?? back?.['data'], object.kind).toMatchObject(object.spec ?? object['data'] ?? {});
    }
    const release = stored.find((o) => o.kind === 'HelmRelease');
    const spec = release?.spec as {
      releaseName: string;
      chart: { spec: { chart: string; sourceRef: { kind: string; name: string }; valuesFiles: string[]; reconcileStrategy: string } };
      install: { crds: string };
      upgrade: { crds: string };
      valuesFrom: { kind: string; name: string; valuesKey: string }[];
    };
    expect(spec.install.crds).toBe('CreateReplace');
    expect(spec.upgrade.crds).toBe('CreateReplace');
    expect(spec.releaseName).toBe('shopwatch');
    expect(spec.chart.spec.chart).toBe('./charts/shopwatch-stack');
    expect(spec.chart.spec.reconcileStrategy).toBe('Revision');
  });

  it('wire together: the chart source, values files that exist, the generated values ConfigMap', async () => {
    const objects = await flux();
    const repository = objects.find((o) => o.kind === 'GitRepository');
    const release = objects.find((o) => o.kind === 'HelmRelease');
    const configMap = objects.find((o) => o.kind === 'ConfigMap');
    const spec = release?.spec as {
      chart: { spec: { sourceRef: { kind: string; name: string; namespace: string }; valuesFiles: string[] } };
      valuesFrom: { kind: string; name: string; valuesKey: string }[];
    };
    expect(spec.chart.spec.sourceRef).toEqual({ kind: 'GitRepository', name: repository?.metadata.name, namespace: repository?.metadata.namespace });
    for (const file of spec.chart.spec.valuesFiles) expect(readFileSync(path.join(root, file), 'utf8').length, file).toBeGreaterThan(0);
    // The GitRepository's ignore rules must keep what the HelmRelease reads.
    const ignore = (repository?.spec?.['ignore'] as string | undefined) ?? '';
    for (const file of spec.chart.spec.valuesFiles) expect(ignore, file).toContain(`!/${path.dirname(file.replace(/^\.\//, '')).split('/')[0]}/`);
    expect(spec.valuesFrom).toEqual([{ kind: 'ConfigMap', name: configMap?.metadata.name, valuesKey: 'values.yaml' }]);
    expect(configMap?.metadata.namespace).toBe(release?.metadata.namespace);
    expect(Object.keys((configMap?.['data'] as Record<string, string> | undefined) ?? {})).toEqual(['values.yaml']);
    const namespaceObject = objects.find((o) => o.kind === 'Namespace');
    expect(namespaceObject?.metadata.name).toBe(release?.metadata.namespace);
    expect(namespaceObject?.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('and a value outside the CRD’s enum is refused', async () => {
    const objects = await flux();
    const release = objects.find((o) => o.kind === 'HelmRelease');
    if (!release?.spec) throw new Error('no HelmRelease');
    const broken = { ...release, spec: { ...release.spec, install: { crds: 'Replace' } } };
    const result = await dryRun([broken]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('spec.install.crds');
  });
});
