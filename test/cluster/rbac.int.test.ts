// RBAC with a real ServiceAccount token (TokenRequest API): the account can do exactly what
// its namespaced Role grants and nothing else.
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { api, apiRejection, applyManifests, canI, kubectl, serviceAccountKubeConfig, useNamespace, writeKubeConfig } from '@shopwatch/testkit';

const ns = useNamespace('rbac');
const other = useNamespace('rbac-other');
let reader: KubeConfig;

beforeAll(async () => {
  await applyManifests(
    `
apiVersion: v1
kind: ServiceAccount
metadata: { name: reader }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: configmap-reader }
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: reader-reads-configmaps }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmap-reader }
subjects:
- { kind: ServiceAccount, name: reader }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: visible }
data: { greeting: hello }
`,
    { namespace: ns.name },
  );
  await applyManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: elsewhere }\ndata: { a: b }\n', { namespace: other.name });
  reader = await serviceAccountKubeConfig(ns.name, 'reader');
});

describe('a ServiceAccount bound to a narrow Role', () => {
  it('authenticates as itself with its own token', async () => {
    const review = await api(reader.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} }));
    expect(review.status?.userInfo?.username).toBe(`system:serviceaccount:${ns.name}:reader`);
  });

  it('can do what the Role allows', async () => {
    const core = reader.makeApiClient(CoreV1Api);
    const list = await api(core.listNamespacedConfigMap({ namespace: ns.name }));
    expect(list.items.map((c) => c.metadata?.name)).toContain('visible');
    const one = await api(core.readNamespacedConfigMap({ namespace: ns.name, name: 'visible' }));
    expect(one.data).toEqual({ greeting: 'hello' });
    expect(await canI(reader, { verb: 'watch', resource: 'configmaps', namespace: ns.name })).toBe(true);
  });

  it('is forbidden everything else: writes, other resources, other namespaces', async () => {
    const core = reader.makeApiClient(CoreV1Api);
    const attempts = {
      'create configmap': () => core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'nope' } } }),
      'delete configmap': () => core.deleteNamespacedConfigMap({ namespace: ns.name, name: 'visible' }),
      'list secrets': () => core.listNamespacedSecret({ namespace: ns.name }),
      'list pods': () => core.listNamespacedPod({ namespace: ns.name }),
      'read configmap in another namespace': () => core.readNamespacedConfigMap({ namespace: other.name, name: 'elsewhere' }),
      'list namespaces': () => core.listNamespace(),
    };
    for (const [what, call] of Object.entries(attempts)) {
      const error = await apiRejection(call());
      expect({ what, status: error.statusCode, reason: error.reason }).toEqual({ what, status: 403, reason: 'Forbidden' });
      expect(error.message).toContain(`system:serviceaccount:${ns.name}:reader`);
    }
    expect(await canI(reader, { verb: 'update', resource: 'configmaps', namespace: ns.name })).toBe(false);
  });

  it('gets the same answers through kubectl with a kubeconfig holding only the token', async () => {
    const kubeconfig = writeKubeConfig(reader);
    const get = await kubectl(['get', 'configmap', 'visible', '-n', ns.name, '-o', 'jsonpath={.data.greeting}'], { kubeconfig });
    expect(get.stdout).toBe('hello');
    const denied = await kubectl(['create', 'configmap', 'nope', '-n', ns.name], { kubeconfig, allowFailure: true });
    expect(denied.exitCode).not.toBe(0);
    expect(denied.stderr).toContain('forbidden');
  });
});
