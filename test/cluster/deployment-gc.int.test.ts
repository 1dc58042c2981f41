// A Deployment becomes Available on the simulated nodes (scheduler + kwok), and deleting it
// lets the garbage collector remove what the deployment and replicaset controllers created.
import { describe, expect, it } from 'vitest';
import type { V1Deployment } from '@kubernetes/client-node';
import {
  api,
  apply,
  deleteObject,
  kube,
  simulatedNodePlacement,
  useNamespace,
  waitFor,
  waitForDeploymentAvailable,
  waitForGone,
} from '@shopwatch/testkit';

const ns = useNamespace('deploy-gc');

function deployment(namespace: string): V1Deployment {
  const labels = { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          // The image is made up: only a simulated node "runs" it.
          ...simulatedNodePlacement(),
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'web',
              image: 'registry.example/web:1.0.0',
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  };
}

describe('Deployment lifecycle', () => {
  it('becomes Available with 2 ready replicas; deleting it garbage-collects its ReplicaSet and Pods', async () => {
    const { apps, core } = kube();
    const namespace = ns.name;
    const created = await apply(deployment(namespace));
    await waitForDeploymentAvailable(namespace, 'web');

    const replicaSets = (await api(apps.listNamespacedReplicaSet({ namespace, labelSelector: 'app=web' }))).items;
    expect(replicaSets).toHaveLength(1);
    const replicaSet = replicaSets[0]!;
    expect(replicaSet.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: created.metadata?.uid });

    const pods = (await api(core.listNamespacedPod({ namespace, labelSelector: 'app=web' }))).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-/);
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', uid: replicaSet.metadata?.uid });
    }

    await deleteObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace }, { propagationPolicy: 'Background' });
    await waitForGone({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet.metadata!.name!, namespace });
    await waitFor(
      'the Deployment\'s pods to be garbage-collected',
      async () => {
        const left = (await api(core.listNamespacedPod({ namespace, labelSelector: 'app=web' }))).items;
        if (left.length === 0) return true;
        throw new Error(`${left.length} pods left: ${left.map((p) => `${p.metadata?.name} (${p.status?.phase})`).join(', ')}`);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    // Three controller round trips; each can take 10-30 s while the controller manager's
    // informers reconnect after an API server restart made by another test file.
  }, 150_000);
});
