import { describe, expect, it } from 'vitest';
import { compactLargeStrings, findDrift } from '../../src/controller/drift.ts';

const owner = { apiVersion: 'observability.shopwatch.dev/v1alpha1', kind: 'ServiceObservability', name: 'shop', uid: 'u-1', controller: true, blockOwnerDeletion: true };
const desired = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'shop', namespace: 'ns', labels: { release: 'kps', 'app.kubernetes.io/managed-by': 'shopwatch-operator' }, ownerReferences: [owner] },
  spec: { selector: { matchLabels: { app: 'shop' } }, endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }] },
};

/** What the API server returns for the object: our fields plus everything it adds. */
function live(): Record<string, unknown> {
  const copy = structuredClone(desired) as Record<string, unknown> & { metadata: Record<string, unknown> };
  copy.metadata.uid = 'x';
  copy.metadata.resourceVersion = '42';
  copy.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
  (copy.metadata.labels as Record<string, string>)['added-by-someone'] = 'yes';
  return copy;
}

describe('findDrift', () => {
  it('finds nothing when every field we set has our value, whatever else the server added', () => {
    expect(findDrift(desired, live())).toBeUndefined();
  });

  it('names the path of a value someone changed', () => {
    const edited = live() as typeof desired;
    edited.spec.endpoints[0]!.interval = '5m';
    expect(findDrift(desired, edited)).toBe('spec.endpoints[0].interval');
  });

  it('notices a label of ours that was removed', () => {
    const edited = live() as typeof desired;
    delete (edited.metadata.labels as Record<string, string>).release;
    expect(findDrift(desired, edited)).toBe('metadata.labels.release');
  });

  it('treats lists as atomic: an extra element is drift', () => {
    const edited = live() as typeof desired;
    edited.spec.endpoints.push({ port: 'other', path: '/x', interval: '1m' });
    expect(findDrift(desired, edited)).toBe('spec.endpoints');
  });

  it('accepts other owners next to ours but not the loss of ours', () => {
    const withOther = live() as typeof desired;
    withOther.metadata.ownerReferences = [{ ...owner, uid: 'other' }, owner];
    expect(findDrift(desired, withOther)).toBeUndefined();
    const withoutOurs = live() as typeof desired;
    withoutOurs.metadata.ownerReferences = [];
    expect(findDrift(desired, withoutOurs)).toBe('metadata.ownerReferences[0]');
  });

  it('compares types strictly (the API never turns "30" into 30)', () => {
    expect(findDrift({ a: '30' }, { a: 30 })).toBe('a');
    expect(findDrift({ a: true }, { a: 'true' })).toBe('a');
  });

  it('lets empty desired values match absent live fields', () => {
    expect(findDrift({ a: {}, b: [], c: null }, {})).toBeUndefined();
    expect(findDrift({ a: { b: 1 } }, {})).toBe('a');
  });

  it('reports a missing object as drift at the root', () => {
    expect(findDrift(desired, undefined)).toBe('.');
  });
});

describe('compactLargeStrings', () => {
  const dashboard = JSON.stringify({ title: 'x', panels: Array.from({ length: 50 }, (_, i) => ({ id: i })) });
  const desiredMap = { apiVersion: 'v1', kind: 'ConfigMap', data: { 'shop.json': dashboard, small: 'kept' } };

  it('keeps short strings and shrinks long ones to a digest that still matches', () => {
    const live = structuredClone(desiredMap);
    compactLargeStrings(live);
    expect(live.data.small).toBe('kept');
    expect(live.data['shop.json'].length).toBeLessThan(60);
    expect(findDrift(desiredMap, live)).toBeUndefined();
  });

  it('still notices a change inside a compacted string', () => {
    const live = structuredClone(desiredMap);
    live.data['shop.json'] = dashboard.replace('"title":"x"', '"title":"edited"');
    compactLargeStrings(live);
    expect(findDrift(desiredMap, live)).toBe('data.shop.json');
  });

  it('compacts inside lists too', () => {
    const rules = { groups: [{ rules: [{ expr: 'x'.repeat(500) }] }] };
    const live = structuredClone(rules);
    compactLargeStrings(live);
    expect(live.groups[0]!.rules[0]!.expr).not.toBe(rules.groups[0]!.rules[0]!.expr);
    expect(findDrift(rules, live)).toBeUndefined();
  });
});

describe('compactLargeStrings and metadata', () => {
  it('leaves metadata alone, so owner uids and labels stay readable', () => {
    const uid = '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';
    const object = { metadata: { name: 'x', labels: { long: 'l'.repeat(60) }, ownerReferences: [{ uid }] }, spec: { expr: 'e'.repeat(60) } };
    compactLargeStrings(object);
    expect(object.metadata.ownerReferences[0]!.uid).toBe(uid);
    expect(object.metadata.labels.long).toBe('l'.repeat(60));
    expect(object.spec.expr).not.toBe('e'.repeat(60));
  });
});
