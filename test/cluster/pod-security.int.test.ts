// Pod Security admission: a namespace labelled enforce=restricted rejects a privileged pod and
// admits one that meets the restricted profile.
import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { api, apiRejection, kube, simulatedNodePlacement, useNamespace, waitForCondition } from '@shopwatch/testkit';

const ns = useNamespace('psa-restricted', {
  labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
});

function pod(name: string, secure: boolean): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      // The image is made up: only a simulated node "runs" it.
      ...simulatedNodePlacement(),
      securityContext: secure ? { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } } : {},
      containers: [
        {
          name: 'app',
          image: 'registry.example/app:1.0.0',
          securityContext: secure
            ? { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }
            : { privileged: true },
        },
      ],
    },
  };
}

describe('Pod Security admission (restricted)', () => {
  it('rejects a privileged pod and names the violation', async () => {
    const error = await apiRejection(kube().core.createNamespacedPod({ namespace: ns.name, body: pod('privileged', false) }));
    expect(error.statusCode).toBe(403);
    expect(error.message).toContain('violates PodSecurity "restricted:latest"');
    expect(error.message).toContain('privileged');
  });

  it('admits a pod that meets the restricted profile, which then becomes Ready', async () => {
    await api(kube().core.createNamespacedPod({ namespace: ns.name, body: pod('restricted', true) }));
    await waitForCondition({ apiVersion: 'v1', kind: 'Pod', name: 'restricted', namespace: ns.name }, 'Ready');
  });
});
