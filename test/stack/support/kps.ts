// What kube-prometheus-stack renders by default, read from its own values.yaml (88.5.3's copy in
// ../shared/reference, beside the repository; never copied into it). Only the parts the stack
// test needs: the Prometheus resource's selectors, its pod security context, retention and image
// tag, and the operator's security contexts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repoRoot = process.env.SHOPWATCH_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));
export const referenceDir = path.join(repoRoot, '..', 'shared', 'reference');
export const KPS_VALUES_FILE = path.join(referenceDir, 'kube-prometheus-stack-88.5.3.values.yaml');

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

type Tree = Record<string, unknown>;

export interface KpsDefaults {
  prometheusSpec: Tree;
  prometheusOperator: Tree;
}

/** The chart's default values, or a clear error naming the file when it is absent. */
export function readKpsDefaults(file = KPS_VALUES_FILE): KpsDefaults {
  if (!existsSync(file)) throw new Error(`kube-prometheus-stack's default values are not at ${file} (the reference data beside the repository)`);
  const values = parse(readFileSync(file, 'utf8')) as Tree;
  const prometheus = values.prometheus as Tree;
  return { prometheusSpec: prometheus.prometheusSpec as Tree, prometheusOperator: values.prometheusOperator as Tree };
}

/** Helm's truthiness for a value used in `{{ if }}`: nil, false, "", 0 and empty maps/lists are false. */
function helmTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '' || value === 0) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** The kinds whose selectors the chart's prometheus.yaml template renders, as named in its values. */
export const SELECTED_KINDS = ['serviceMonitor', 'podMonitor', 'probe', 'rule', 'scrapeConfig'] as const;

/**
 * The selectors of the Prometheus resource kube-prometheus-stack renders for `release`, per its
 * templates/prometheus/prometheus.yaml: a non-empty `<kind>Selector` is used as written; else,
 * with `<kind>SelectorNilUsesHelmValues` true (the default), `matchLabels: {release: <release>}`;
 * else `{}` (everything). A namespace selector is used as written when non-empty, else `{}`:
 * every namespace the operator watches.
 */
export function prometheusSelectors(prometheusSpec: Tree, release: string): Record<string, LabelSelector> {
  const out: Record<string, LabelSelector> = {};
  for (const kind of SELECTED_KINDS) {
    const selector = prometheusSpec[`${kind}Selector`];
    out[`${kind}Selector`] = helmTruthy(selector)
      ? (selector as LabelSelector)
      : helmTruthy(prometheusSpec[`${kind}SelectorNilUsesHelmValues`])
        ? { matchLabels: { release } }
        : {};
    const namespaceSelector = prometheusSpec[`${kind}NamespaceSelector`];
    out[`${kind}NamespaceSelector`] = helmTruthy(namespaceSelector) ? (namespaceSelector as LabelSelector) : {};
  }
  return out;
}

/** The chart's Prometheus image tag as a version (`v3.14.0-distroless` → `v3.14.0`). */
export function prometheusVersion(prometheusSpec: Tree): string {
  const image = prometheusSpec.image as { tag?: string } | undefined;
  const tag = image?.tag ?? '';
  return tag.replace(/-distroless$/, '');
}
