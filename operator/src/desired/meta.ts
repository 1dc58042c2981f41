// Metadata every generated object shares: names, labels and the owner reference that lets
// Kubernetes garbage-collect outputs when their ServiceObservability is deleted.
import { API_VERSION, KIND, type ServiceObservability } from '../api/v1alpha1.ts';
import type { KubeObject, OperatorSettings } from './contract.ts';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'shopwatch-operator';
export const OWNER_LABEL = 'observability.shopwatch.dev/owner';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
}

/** KubeObject metadata plus the owner references the contract requires on every output. */
export interface OwnedMetadata {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences: OwnerReference[];
}

export type OwnedObject = KubeObject & { metadata: OwnedMetadata };

/** Object names derived from the resource name; one of each kind per resource. */
export function outputNames(resource: ServiceObservability): {
  serviceMonitor: string;
  prometheusRule: string;
  dashboardConfigMap: string;
  grafanaDashboard: string;
} {
  const name = resource.metadata.name;
  return {
    serviceMonitor: name,
    prometheusRule: name,
    dashboardConfigMap: `${name}-dashboard`,
    grafanaDashboard: name,
  };
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Labels on every output. User labels come first so the ones the operator relies on
 * (managed-by, owner, release) cannot be overridden by accident. Keys are sorted so the
 * object is byte-stable and the controller can skip writes when nothing changed.
 */
export function outputLabels(
  resource: ServiceObservability,
  settings: OperatorSettings,
  extra: Record<string, string> = {},
): Record<string, string> {
  const output = resource.spec.output ?? {};
  return sortedRecord({
    ...(output.labels ?? {}),
    ...extra,
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [OWNER_LABEL]: resource.metadata.name,
    release: output.release ?? settings.defaultRelease,
  });
}

export function ownerReference(resource: ServiceObservability): OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: resource.metadata.name,
    uid: resource.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function ownedMetadata(
  resource: ServiceObservability,
  settings: OperatorSettings,
  name: string,
  options: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): OwnedMetadata {
  const metadata: OwnedMetadata = {
    name,
    namespace: resource.metadata.namespace,
    labels: outputLabels(resource, settings, options.labels),
    ownerReferences: [ownerReference(resource)],
  };
  if (options.annotations && Object.keys(options.annotations).length > 0) {
    metadata.annotations = sortedRecord(options.annotations);
  }
  return metadata;
}
