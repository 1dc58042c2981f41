// The seam between the pure builders and the reconcile loop. The controller calls
// `buildDesired(resource, settings)`; it never assembles objects itself.
import type { ConditionType } from '../api/v1alpha1.ts';

/** Operator-wide settings that shape outputs (from flags / Helm values). */
export interface OperatorSettings {
  /** Default `release` label for kube-prometheus-stack selectors, e.g. `kube-prometheus-stack`. */
  defaultRelease: string;
  /** Label the Grafana sidecar watches for dashboards (default `grafana_dashboard`, value "1"). */
  dashboardLabel: string;
  /** Annotation the sidecar reads for the folder (default `grafana_folder`). */
  folderAnnotation: string;
  /** Base URL of Grafana for dashboard links in alerts, e.g. `http://localhost:3000`. */
  grafanaUrl: string;
  /** Base URL for runbooks when an alert has none, e.g. a docs site. */
  runbookBaseUrl: string;
}

/** A Kubernetes object as plain data (apiVersion, kind, metadata, ...). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** One output the resource wants, tagged with the condition it feeds. */
export interface DesiredOutput {
  condition: Exclude<ConditionType, 'Ready'>;
  object: KubeObject;
}

/** A problem in the spec found while building (bad PromQL, bucket mismatch, ...). */
export interface SpecProblem {
  condition: Exclude<ConditionType, 'Ready'>;
  /** Machine-readable CamelCase reason, e.g. `InvalidPromQL`. */
  reason: string;
  /** Human-readable, names the field path, e.g. `spec.alerts[2].expr: unexpected ")" at 14`. */
  message: string;
}

export interface DesiredState {
  outputs: DesiredOutput[];
  problems: SpecProblem[];
}

/*
 * Rules both sides rely on:
 * - Builders are pure: same input, same output (stable key order, no timestamps), so the controller
 *   can compare desired with live objects and skip writes when nothing changed.
 * - Every object carries ownerReferences to the resource (controller: true, blockOwnerDeletion: true),
 *   the label `app.kubernetes.io/managed-by: shopwatch-operator`, the label
 *   `observability.shopwatch.dev/owner: <resource name>`, the `release` label, and `spec.output.labels`.
 * - When a condition has a problem, no output for that condition is returned: nothing invalid is ever
 *   written; the controller keeps the last good object in place and reports the condition False.
 * - `buildDesired(resource: ServiceObservability, settings: OperatorSettings): DesiredState` is exported
 *   from `src/desired/index.ts`.
 */
