// Simulated storage: claims of the default StorageClass (kwok-volume) are provisioned and bound
// by kwok, so StatefulSets with volumeClaimTemplates (databases, brokers in charts) become ready.
import { describe, expect, it } from 'vitest';
import { SIMULATED_NODE_TAINT, api, applyManifests, kube, useNamespace, waitFor } from '@shopwatch/testkit';

const ns = useNamespace('storage');

describe('simulated persistent volumes', () => {
  it('binds the claims of a StatefulSet, which then becomes ready', async () => {
    await applyManifests(
      `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: 2
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      # The image is made up and kwok binds the claims: a simulated node "runs" it.
      nodeSelector: { type: kwok }
      tolerations: [{ key: ${SIMULATED_NODE_TAINT}, operator: Exists, effect: NoSchedule }]
      containers:
      - name: db
        image: registry.example/db:1.0.0
        volumeMounts: [{ name: data, mountPath: /data }]
  volumeClaimTemplates:
  - metadata: { name: data }
    spec:
      accessModes: [ReadWriteOnce]
      resources: { requests: { storage: 1Gi } }
`,
      { namespace: ns.name },
    );
    const { apps, core } = kube();
    await waitFor(
      'StatefulSet db with 2 ready replicas',
      async () => {
        const sts = await api(apps.readNamespacedStatefulSet({ namespace: ns.name, name: 'db' }));
        if (sts.status?.readyReplicas === 2) return true;
        throw new Error(`ready=${sts.status?.readyReplicas ?? 0}`);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const claims = (await api(core.listNamespacedPersistentVolumeClaim({ namespace: ns.name }))).items;
    expect(claims.map((c) => [c.metadata?.name, c.status?.phase, c.spec?.storageClassName]).sort()).toEqual([
      ['data-db-0', 'Bound', 'kwok-volume'],
      ['data-db-1', 'Bound', 'kwok-volume'],
    ]);
  });
});
