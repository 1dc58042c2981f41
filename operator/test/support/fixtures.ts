// Operator-specific test helpers: the CRD from the chart, example resources, and references to
// the outputs one resource should produce.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject } from '@kubernetes/client-node';
import { applyManifests, waitForCrdEstablished, type ObjectRef } from '@shopwatch/testkit';
import type { ServiceObservability, ServiceObservabilitySpec } from '../../src/api/v1alpha1.ts';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const CRD_NAME = 'serviceobservabilities.observability.shopwatch.dev';

/**
 * Parses YAML into plain objects. (The testkit's parseManifests goes through client-node's typed
 * models, which rename `x-kubernetes-*` schema keys and so break CRDs.)
 */
export function parseYaml(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((doc): doc is KubernetesObject => typeof doc === 'object' && doc !== null && 'kind' in doc);
}

/** Applies the CRD exactly as the chart ships it and waits until it is served. */
export async function installCrd(): Promise<void> {
  const dir = path.join(repoRoot, 'charts', 'shopwatch-operator', 'crds');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    await applyManifests(parseYaml(readFileSync(path.join(dir, file), 'utf8')), { force: true, fieldManager: 'shopwatch-operator-tests' });
  }
  await waitForCrdEstablished(CRD_NAME, { timeoutMs: 30_000 });
}

/** A complete, valid resource: two SLOs, business panels, a custom alert. */
export function exampleSpec(service: string, overrides: Partial<ServiceObservabilitySpec> = {}): ServiceObservabilitySpec {
  return {
    service: { name: service, selector: { matchLabels: { 'app.kubernetes.io/name': service } }, metrics: { port: 'http', interval: '30s' } },
    slos: [
      { name: 'availability', objective: '99.5', window: '30d', availability: {} },
      { name: 'latency', objective: '99', window: '28d', latency: { thresholdSeconds: '0.3' } },
    ],
    dashboard: {
      folder: 'Shopwatch',
      business: [{ title: 'Orders per minute', expr: 'sum(rate(shop_orders_total{namespace="$namespace"}[$__rate_interval])) * 60', unit: 'short' }],
      marketing: [{ title: 'Product views', expr: 'sum(rate(shop_product_views_total[$__rate_interval]))', unit: 'reqps' }],
    },
    alerts: [
      {
        name: 'OrdersStalled',
        expr: 'sum(rate(shop_orders_total[10m])) == 0',
        for: '10m',
        severity: 'warning',
        summary: 'No orders for 10 minutes',
        description: 'The shop has not taken an order for 10 minutes.',
      },
    ],
    ...overrides,
  };
}

export function serviceObservability(namespace: string, name: string, spec: ServiceObservabilitySpec): ServiceObservability {
  return {
    apiVersion: 'observability.shopwatch.dev/v1alpha1',
    kind: 'ServiceObservability',
    metadata: { name, namespace } as ServiceObservability['metadata'],
    spec,
  };
}

export function resourceRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: 'observability.shopwatch.dev/v1alpha1', kind: 'ServiceObservability', namespace, name };
}

/** The outputs a resource with a dashboard produces (names per operator/src/desired/meta.ts). */
export function outputRefs(namespace: string, name: string): { serviceMonitor: ObjectRef; prometheusRule: ObjectRef; dashboard: ObjectRef } {
  return {
    serviceMonitor: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', namespace, name },
    prometheusRule: { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', namespace, name },
    dashboard: { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: `${name}-dashboard` },
  };
}
