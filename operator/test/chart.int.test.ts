// The operator chart against the real API server: it installs into a namespace that enforces
// Pod Security "restricted" (its pods are admitted), its RBAC is least-privilege in both modes,
// and the operator running with exactly that RBAC — its ServiceAccount's token — does its job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  apply,
  applyManifests,
  canI,
  deleteObject,
  helm,
  listObjects,
  readObject,
  serviceAccountKubeConfig,
  useNamespace,
  waitFor,
  waitForCondition,
  writeKubeConfig,
} from '@shopwatch/testkit';
import path from 'node:path';
import { exampleSpec, installCrd, parseYaml, outputRefs, repoRoot, resourceRef, serviceObservability } from './support/fixtures.ts';
import { OperatorProcess } from './support/operator-process.ts';

const chart = path.join(repoRoot, 'charts', 'shopwatch-operator');

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}
type RoleObject = KubernetesObject & { rules?: Rule[] };

async function render(namespace: string, args: string[]): Promise<KubernetesObject[]> {
  const { stdout } = await helm(['template', 'shopwatch-operator', chart, '--namespace', namespace, ...args]);
  return parseYaml(stdout);
}

beforeAll(async () => {
  await installCrd();
});

describe('RBAC in the rendered chart', () => {
  for (const mode of ['cluster', 'namespaced']) {
    it(`is least-privilege in ${mode} mode`, async () => {
      const objects = await render('ops', ['--set', `watch.mode=${mode}`, '--set', 'watch.namespaces={ops,shop}']);
      const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role') as RoleObject[];
      expect(roles.length).toBeGreaterThan(0);
      expect(objects.some((o) => o.kind === 'ClusterRole')).toBe(mode === 'cluster');
      const deployment = objects.find((o) => o.kind === 'Deployment') as KubernetesObject & {
        spec: { template: { spec: { containers: Array<{ args: string[] }> } } };
      };
      const args = deployment.spec.template.spec.containers[0]?.args ?? [];
      if (mode === 'namespaced') {
        expect(roles.filter((r) => r.metadata?.name === 'shopwatch-operator').map((r) => r.metadata?.namespace).sort()).toEqual(['ops', 'shop']);
        expect(args).toContain('--namespaces=ops,shop');
      } else {
        expect(args.some((a) => a.startsWith('--namespaces'))).toBe(false);
      }
      for (const role of roles) {
        for (const rule of role.rules ?? []) {
          const all = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs];
          expect(all, JSON.stringify(rule)).not.toContain('*');
          expect(rule.resources ?? [], JSON.stringify(rule)).not.toContain('secrets');
          for (const verb of ['bind', 'escalate', 'impersonate']) expect(rule.verbs).not.toContain(verb);
        }
      }
    });
  }
});

describe('helm install into a Pod Security "restricted" namespace', () => {
  const ns = useNamespace('op-chart', {
    labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
  });
  const release = 'swop';

  afterAll(async () => {
    await helm(['uninstall', release, '--namespace', ns.name, '--wait', '--timeout', '60s'], { allowFailure: true });
  });

  it('is accepted by the API server and its pods are admitted', async () => {
    await helm([
      'install', release, chart, '--namespace', ns.name,
      '--set', 'replicaCount=2', '--set', 'podDisruptionBudget.enabled=true',
      '--set', 'serviceMonitor.enabled=true', '--set', 'serviceMonitor.labels.release=kube-prometheus-stack',
    ]);
    const deployment = await readObject({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns.name, name: `${release}-shopwatch-operator` });
    expect(deployment).toBeDefined();
    const pods = await waitFor(
      'operator pods admitted under PSS restricted',
      async () => {
        const list = await listObjects('v1', 'Pod', { namespace: ns.name, labelSelector: `app.kubernetes.io/instance=${release}` });
        return list.length === 2 ? list : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(pods).toHaveLength(2);
    expect(await readObject({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: `${release}-shopwatch-operator` })).toBeDefined();
    const monitor = await readObject<KubernetesObject>({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', namespace: ns.name, name: `${release}-shopwatch-operator` });
    expect(monitor?.metadata?.labels?.release).toBe('kube-prometheus-stack');
    expect(await readObject({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace: ns.name, name: `${release}-shopwatch-operator` })).toBeDefined();
  });

  it('a Pod that breaks "restricted" would be refused there (the namespace really enforces it)', async () => {
    const error = await apply(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'privileged', namespace: ns.name },
        spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
      },
      { dryRun: true },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('violates PodSecurity');
  });
});

describe('the operator with exactly its chart RBAC (namespaced mode)', () => {
  const ns = useNamespace('op-rbac');
  let operator: OperatorProcess | undefined;

  afterAll(async () => {
    await operator?.stop();
  });

  it('reconciles, posts events and elects itself using its ServiceAccount token', async () => {
    const objects = await render(ns.name, ['--set', 'watch.mode=namespaced', '--set', 'leaderElection.enabled=true']);
    const rbac = objects.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind ?? ''));
    expect(rbac.map((o) => o.kind).sort()).toEqual(['Role', 'Role', 'RoleBinding', 'RoleBinding', 'ServiceAccount']);
    await applyManifests(rbac);

    const identity = await serviceAccountKubeConfig(ns.name, 'shopwatch-operator');
    expect(await canI(identity, { verb: 'get', resource: 'secrets', namespace: ns.name })).toBe(false);
    expect(await canI(identity, { verb: 'list', resource: 'configmaps', namespace: 'default' })).toBe(false);
    expect(await canI(identity, { verb: 'patch', resource: 'prometheusrules', group: 'monitoring.coreos.com', namespace: ns.name })).toBe(true);

    operator = await OperatorProcess.start({
      namespaces: [ns.name],
      kubeconfig: writeKubeConfig(identity),
      leaderElection: { namespace: ns.name, id: 'shopwatch-operator', identity: 'rbac-test' },
    });
    const running = operator;
    await waitFor('the operator to take the lease with its own identity', () => running.isLeader(), { timeoutMs: 30_000 });

    await apply(serviceObservability(ns.name, 'rbac-check', exampleSpec('rbac-check')));
    await waitForCondition(resourceRef(ns.name, 'rbac-check'), 'Ready', { timeoutMs: 30_000 });
    for (const ref of Object.values(outputRefs(ns.name, 'rbac-check'))) expect(await readObject(ref), ref.kind).toBeDefined();
    await waitFor('an Event posted by the operator', async () => {
      const events = await listObjects<KubernetesObject & { reportingController?: string }>('events.k8s.io/v1', 'Event', { namespace: ns.name });
      return events.some((e) => e.reportingController?.includes('shopwatch-operator'));
    });
    const denied = running.logs.filter((l) => JSON.stringify(l).includes('forbidden'));
    expect(denied, running.describe()).toEqual([]);
    expect(await running.stop()).toBe(0);
  });
});

describe('the operator with exactly its chart RBAC (cluster mode)', () => {
  const ns = useNamespace('op-rbac-cluster');
  const release = `rbac-${Math.random().toString(36).slice(2, 8)}`;
  let operator: OperatorProcess | undefined;
  let clusterScoped: KubernetesObject[] = [];

  afterAll(async () => {
    await operator?.stop();
    for (const object of clusterScoped) {
      await deleteObject({ apiVersion: object.apiVersion ?? '', kind: object.kind ?? '', name: object.metadata?.name ?? '' });
    }
  });

  it('reconciles with the ClusterRole (scoped to one namespace by flag, so other tests are left alone)', async () => {
    const { stdout } = await helm(['template', release, chart, '--namespace', ns.name, '--set', 'leaderElection.enabled=false']);
    const objects = parseYaml(stdout);
    const rbac = objects.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind ?? ''));
    expect(rbac.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ServiceAccount']);
    clusterScoped = rbac.filter((o) => o.kind?.startsWith('Cluster'));
    await applyManifests(rbac);

    const identity = await serviceAccountKubeConfig(ns.name, `${release}-shopwatch-operator`);
    expect(await canI(identity, { verb: 'list', resource: 'secrets' })).toBe(false);
    expect(await canI(identity, { verb: 'watch', resource: 'serviceobservabilities', group: 'observability.shopwatch.dev' })).toBe(true);
    expect(await canI(identity, { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: ns.name })).toBe(false);

    operator = await OperatorProcess.start({ namespaces: [ns.name], kubeconfig: writeKubeConfig(identity) });
    await apply(serviceObservability(ns.name, 'cluster-rbac', exampleSpec('cluster-rbac')));
    await waitForCondition(resourceRef(ns.name, 'cluster-rbac'), 'Ready', { timeoutMs: 30_000 });
    const running = operator;
    expect(running.logs.filter((l) => JSON.stringify(l).includes('forbidden')), running.describe()).toEqual([]);
  });
});

describe('values.schema.json', () => {
  it('rejects a misspelt key and a value outside its set', async () => {
    const misspelt = await helm(['template', 'x', chart, '--set', 'operator.wrkers=2'], { allowFailure: true });
    expect(misspelt.exitCode).not.toBe(0);
    expect(misspelt.stderr).toContain("additional properties 'wrkers' not allowed");
    const badMode = await helm(['template', 'x', chart, '--set', 'watch.mode=everywhere'], { allowFailure: true });
    expect(badMode.exitCode).not.toBe(0);
    const fine = await helm(['template', 'x', chart, '--set', 'operator.workers=2']);
    expect(fine.stdout).toContain('--workers=2');
  });
});
