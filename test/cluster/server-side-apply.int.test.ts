// Server-side apply: each field manager owns the fields it applied; another manager that
// applies a different value for an owned field is rejected with 409 unless it forces.
import { describe, expect, it } from 'vitest';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { apiRejection, apply, useNamespace } from '@shopwatch/testkit';

const ns = useNamespace('ssa');

function configMap(namespace: string, data: Record<string, string>): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace }, data };
}

function managersOf(object: V1ConfigMap): Record<string, string[]> {
  const owners: Record<string, string[]> = {};
  for (const entry of object.metadata?.managedFields ?? []) {
    const data = (entry.fieldsV1 as { 'f:data'?: Record<string, unknown> } | undefined)?.['f:data'] ?? {};
    owners[entry.manager ?? '?'] = Object.keys(data).map((key) => key.replace(/^f:/, '')).sort();
  }
  return owners;
}

describe('server-side apply', () => {
  it('tracks ownership per field manager and removes fields a manager stops applying', async () => {
    const first = await apply(configMap(ns.name, { color: 'blue', size: 'large', shape: 'round' }), { fieldManager: 'team-a' });
    expect(managersOf(first)['team-a']).toEqual(['color', 'shape', 'size']);

    const second = await apply(configMap(ns.name, { color: 'blue', size: 'large' }), { fieldManager: 'team-a' });
    expect(second.data).toEqual({ color: 'blue', size: 'large' });
  });

  it('rejects a conflicting manager with 409 unless it forces, then moves ownership', async () => {
    const conflict = await apiRejection(apply(configMap(ns.name, { color: 'green' }), { fieldManager: 'team-b' }));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.reason).toBe('Conflict');
    expect(conflict.message).toContain('team-a');
    expect(conflict.message).toContain('.data.color');

    // Applying the same value is not a conflict: both managers then share the field.
    const shared = await apply(configMap(ns.name, { size: 'large' }), { fieldManager: 'team-b' });
    expect(managersOf(shared)['team-b']).toEqual(['size']);

    const forced = await apply(configMap(ns.name, { color: 'green', size: 'large' }), { fieldManager: 'team-b', force: true });
    expect(forced.data).toEqual({ color: 'green', size: 'large' });
    const owners = managersOf(forced);
    expect(owners['team-b']).toEqual(['color', 'size']);
    expect(owners['team-a']).toEqual(['size']);
  });
});
