// A CustomResourceDefinition's OpenAPI schema and CEL rules (x-kubernetes-validations) are
// enforced by the API server: invalid objects are rejected with the schema's or the rule's message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRejection, apply, deleteObject, uniqueName, useNamespace, waitFor, waitForCrdEstablished } from '@shopwatch/testkit';
import type { KubernetesObject } from '@kubernetes/client-node';

const ns = useNamespace('crd-cel');
// A group of its own per run, so parallel or repeated runs never share the definition.
const group = `${uniqueName('cel')}.test.shopwatch.dev`;
const crdName = `autoscalers.${group}`;
const RULE_MESSAGE = 'minReplicas must not exceed maxReplicas';

// Plain JSON, as it would come from a YAML manifest (client-node's typed models spell the
// extension fields differently).
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: crdName },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'autoscalers', singular: 'autoscaler', kind: 'Autoscaler', listKind: 'AutoscalerList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            required: ['spec'],
            properties: {
              spec: {
                type: 'object',
                required: ['minReplicas', 'maxReplicas'],
                properties: {
                  minReplicas: { type: 'integer', minimum: 0 },
                  maxReplicas: { type: 'integer', minimum: 1, maximum: 100 },
                },
                'x-kubernetes-validations': [{ rule: 'self.minReplicas <= self.maxReplicas', message: RULE_MESSAGE }],
              },
            },
          },
        },
      },
    ],
  },
} satisfies KubernetesObject & { spec: unknown };

function autoscaler(name: string, spec: Record<string, unknown>): KubernetesObject & { spec: unknown } {
  return { apiVersion: `${group}/v1`, kind: 'Autoscaler', metadata: { name, namespace: ns.name }, spec };
}

beforeAll(async () => {
  await apply(crd);
  await waitForCrdEstablished(crdName);
});

afterAll(async () => {
  await deleteObject({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crdName });
});

describe('CRD with OpenAPI schema and CEL validation', () => {
  it('accepts a valid object', async () => {
    // Discovery of a brand-new group can trail the Established condition by a moment.
    const stored = await waitFor('the new kind to be served', () => apply(autoscaler('valid', { minReplicas: 1, maxReplicas: 3 })), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    expect(stored.spec).toEqual({ minReplicas: 1, maxReplicas: 3 });
  });

  it('rejects an object that breaks the CEL rule, with the rule\'s message', async () => {
    const error = await apiRejection(apply(autoscaler('inverted', { minReplicas: 5, maxReplicas: 2 })));
    expect(error.statusCode).toBe(422);
    expect(error.reason).toBe('Invalid');
    expect(error.message).toContain(RULE_MESSAGE);
  });

  it('rejects an object that breaks the OpenAPI schema', async () => {
    const error = await apiRejection(apply(autoscaler('too-big', { minReplicas: 1, maxReplicas: 1000 })));
    expect(error.statusCode).toBe(422);
    expect(error.message).toMatch(/spec\.maxReplicas.*should be less than or equal to 100/);
  });
});
