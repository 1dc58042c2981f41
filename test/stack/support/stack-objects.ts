// The objects the stack test creates for the Prometheus side: a ServiceAccount with a ClusterRole
// (what kube-prometheus-stack grants its operator and its Prometheus, plus the kinds the v0.93
// operator also watches), and the operator's Deployment with the chart's security contexts.
import type { V1PolicyRule } from '@kubernetes/client-node';
import { apply } from '@shopwatch/testkit';

const ALL = ['*'];
const READ = ['get', 'list', 'watch'];

/** The Prometheus Operator: its custom resources, the StatefulSets, config Secrets and Services it makes. */
export const OPERATOR_RULES: V1PolicyRule[] = [
  {
    apiGroups: ['monitoring.coreos.com'],
    resources: [
      'alertmanagers', 'alertmanagers/status', 'alertmanagers/finalizers', 'alertmanagerconfigs',
      'prometheuses', 'prometheuses/status', 'prometheuses/finalizers',
      'prometheusagents', 'prometheusagents/status', 'prometheusagents/finalizers',
      'thanosrulers', 'thanosrulers/status', 'thanosrulers/finalizers',
      'servicemonitors', 'servicemonitors/status', 'podmonitors', 'podmonitors/status',
      'probes', 'probes/status', 'prometheusrules', 'prometheusrules/status', 'scrapeconfigs', 'scrapeconfigs/status',
    ],
    verbs: ALL,
  },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ALL },
  { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ALL },
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] },
  { apiGroups: [''], resources: ['services', 'services/finalizers', 'endpoints'], verbs: ['get', 'create', 'update', 'delete'] },
  { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get'] },
];

/** Prometheus itself: Kubernetes service discovery of the targets its ServiceMonitors name. */
export const PROMETHEUS_RULES: V1PolicyRule[] = [
  { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
  { nonResourceURLs: ['/metrics', '/metrics/cadvisor'], verbs: ['get'] },
];

/** A ServiceAccount `account` in `namespace` bound to a new ClusterRole `name`; returns the cluster-scoped objects made. */
export async function clusterRole(name: string, rules: V1PolicyRule[], namespace: string, account: string): Promise<{ kind: string; name: string }[]> {
  await apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account, namespace } });
  await apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });
  await apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
  });
  return [
    { kind: 'ClusterRoleBinding', name },
    { kind: 'ClusterRole', name },
  ];
}

/**
 * The operator as kube-prometheus-stack runs it, minus what needs more than this test uses (its
 * admission webhook, TLS on its own port, the kubelet Service in kube-system): the pod and
 * container security contexts come from the chart's values, the config reloader is the image
 * built here, and `--namespaces` keeps it to this test's namespaces on the shared cluster.
 */
export function operatorDeployment(
  namespace: string,
  images: { operatorImage: string; reloaderImage: string },
  values: Record<string, unknown>,
  watched: string[],
) {
  const labels = { 'app.kubernetes.io/name': 'prometheus-operator' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'prometheus-operator', namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'prometheus-operator',
          securityContext: values.securityContext,
          containers: [
            {
              name: 'prometheus-operator',
              image: images.operatorImage,
              imagePullPolicy: 'Never',
              args: [`--prometheus-config-reloader=${images.reloaderImage}`, `--namespaces=${watched.join(',')}`, '--web.listen-address=:8080'],
              ports: [{ name: 'http', containerPort: 8080 }],
              securityContext: values.containerSecurityContext,
              resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
            },
          ],
        },
      },
    },
  };
}
