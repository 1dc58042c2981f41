import { describe, expect, it } from 'vitest';
import { buildServiceMonitor } from '../../src/desired/service-monitor.ts';
import { checkoutResource, settings } from './fixtures.ts';

describe('buildServiceMonitor', () => {
  it('scrapes the selected Service in the resource namespace and pins the service label', () => {
    const sm = buildServiceMonitor(checkoutResource(), settings);
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.kind).toBe('ServiceMonitor');
    expect(sm.metadata.namespace).toBe('shop');
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } },
      namespaceSelector: { matchNames: ['shop'] },
      endpoints: [
        {
          port: 'http',
          path: '/metrics',
          interval: '15s',
          relabelings: [{ action: 'replace', targetLabel: 'service', replacement: 'orders' }],
        },
      ],
    });
  });

  it('carries the contract labels and a controller owner reference', () => {
    const resource = checkoutResource();
    resource.spec.output = { labels: { team: 'checkout', release: 'ignored-by-explicit-release' }, release: 'prom' };
    const sm = buildServiceMonitor(resource, settings);
    expect(sm.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'shopwatch-operator',
      'observability.shopwatch.dev/owner': 'orders',
      release: 'prom',
      team: 'checkout',
    });
    expect(sm.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'observability.shopwatch.dev/v1alpha1',
        kind: 'ServiceObservability',
        name: 'orders',
        uid: resource.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it('falls back to the defaults and the operator-wide release', () => {
    const resource = checkoutResource();
    delete resource.spec.service.metrics;
    delete resource.spec.output;
    const sm = buildServiceMonitor(resource, settings);
    const endpoint = (sm.spec as { endpoints: Array<Record<string, unknown>> }).endpoints[0];
    expect(endpoint).toMatchObject({ port: 'http', path: '/metrics', interval: '30s' });
    expect(endpoint).not.toHaveProperty('scrapeTimeout');
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
  });
});
