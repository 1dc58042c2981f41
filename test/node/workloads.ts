// Objects the real-node tests deploy: the catalog service as the chart would run it (Pod
// Security "restricted", read-only root filesystem, its real probes) and small client pods made
// from the same image (node is in it), so nothing but images built here is needed.
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import { REAL_NODE_SELECTOR, loadNodeImages } from '@shopwatch/testkit';

/** The catalog image from `make images` (localhost/shopwatch/catalog:dev unless overridden). */
export const CATALOG_IMAGE = process.env.SHOPWATCH_CATALOG_IMAGE ?? 'localhost/shopwatch/catalog:dev';

/** Namespace labels that make the API server enforce Pod Security "restricted". */
export const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
};

/** Copies images from podman storage into the node's containerd (skipped when already there). */
export function loadImages(...images: string[]): Promise<void> {
  return loadNodeImages(images, 300_000);
}

const podSecurity = { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } };
const containerSecurity = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

export function catalogDeployment(env: Record<string, string>): V1Deployment {
  const labels = { app: 'catalog' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'catalog' },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: { ...REAL_NODE_SELECTOR },
          securityContext: podSecurity,
          terminationGracePeriodSeconds: 15,
          containers: [
            {
              name: 'catalog',
              image: CATALOG_IMAGE,
              imagePullPolicy: 'Never',
              env: Object.entries(env).map(([name, value]) => ({ name, value })),
              ports: [{ name: 'http', containerPort: 8080 }],
              securityContext: containerSecurity,
              resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '384Mi' } },
              // Generous: the first start on two busy cores runs the migrations as well.
              startupProbe: { httpGet: { path: '/livez', port: 'http' }, periodSeconds: 2, failureThreshold: 90, timeoutSeconds: 5 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 3, failureThreshold: 3, timeoutSeconds: 5 },
              livenessProbe: { httpGet: { path: '/livez', port: 'http' }, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 5 },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

export function catalogService(): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'catalog' },
    spec: { selector: { app: 'catalog' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
  };
}

/** A pod that runs one Node.js script from the catalog image once and exits (its output in its log). */
export function scriptPod(name: string, script: string): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeSelector: { ...REAL_NODE_SELECTOR },
      restartPolicy: 'Never',
      // node as PID 1 ignores SIGTERM unless the script handles it: do not wait 30 s on deletion.
      terminationGracePeriodSeconds: 2,
      securityContext: podSecurity,
      containers: [
        {
          name: 'script',
          image: CATALOG_IMAGE,
          imagePullPolicy: 'Never',
          command: ['node', '--input-type=module', '-e', script],
          securityContext: containerSecurity,
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        },
      ],
    },
  };
}

/** A pod whose image is on no node and may not be pulled. */
export function missingImagePod(name: string, image: string, imagePullPolicy: 'Never' | 'IfNotPresent'): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      nodeSelector: { ...REAL_NODE_SELECTOR },
      securityContext: podSecurity,
      containers: [{ name: 'app', image, imagePullPolicy, securityContext: containerSecurity }],
    },
  };
}
