// The API resources the operator reads and writes, and how their REST paths are formed.
// Pure data: no I/O, so the path rules are unit-tested.
import { GROUP, PLURAL, VERSION } from '../api/v1alpha1.ts';

export interface ResourceType {
  /** Kind as it appears in objects, e.g. `ServiceMonitor`. */
  kind: string;
  /** `group/version`, or just `v1` for the core group. */
  apiVersion: string;
  plural: string;
  namespaced: boolean;
}

export const SERVICE_OBSERVABILITY: ResourceType = {
  kind: 'ServiceObservability',
  apiVersion: `${GROUP}/${VERSION}`,
  plural: PLURAL,
  namespaced: true,
};
export const SERVICE_MONITOR: ResourceType = {
  kind: 'ServiceMonitor',
  apiVersion: 'monitoring.coreos.com/v1',
  plural: 'servicemonitors',
  namespaced: true,
};
export const PROMETHEUS_RULE: ResourceType = {
  kind: 'PrometheusRule',
  apiVersion: 'monitoring.coreos.com/v1',
  plural: 'prometheusrules',
  namespaced: true,
};
export const CONFIG_MAP: ResourceType = { kind: 'ConfigMap', apiVersion: 'v1', plural: 'configmaps', namespaced: true };
export const GRAFANA_DASHBOARD: ResourceType = {
  kind: 'GrafanaDashboard',
  apiVersion: 'grafana.integreatly.org/v1beta1',
  plural: 'grafanadashboards',
  namespaced: true,
};
export const LEASE: ResourceType = {
  kind: 'Lease',
  apiVersion: 'coordination.k8s.io/v1',
  plural: 'leases',
  namespaced: true,
};
export const EVENT: ResourceType = { kind: 'Event', apiVersion: 'events.k8s.io/v1', plural: 'events', namespaced: true };

/** Every kind the builders may emit; the controller watches each one whose API exists. */
export const OUTPUT_TYPES: readonly ResourceType[] = [SERVICE_MONITOR, PROMETHEUS_RULE, CONFIG_MAP, GRAFANA_DASHBOARD];

export function outputTypeOf(apiVersion: string, kind: string): ResourceType | undefined {
  return OUTPUT_TYPES.find((type) => type.apiVersion === apiVersion && type.kind === kind);
}

function apiPrefix(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** Collection path: all namespaces when `namespace` is undefined. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const prefix = apiPrefix(type.apiVersion);
  if (!type.namespaced || namespace === undefined) return `${prefix}/${type.plural}`;
  return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`;
}

export function objectPath(type: ResourceType, namespace: string, name: string, subresource?: string): string {
  const path = `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${path}/${subresource}` : path;
}

/** `namespace/name`, the key used by the work queue and the informer caches. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
