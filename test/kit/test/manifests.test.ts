import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseManifests } from '../src/k8s.ts';

it('parses manifests as written, keeping fields the typed client models do not know', () => {
  const crd = readFileSync(new URL('../../../charts/shopwatch-operator/crds/serviceobservabilities.observability.shopwatch.dev.yaml', import.meta.url), 'utf8');
  const [object] = parseManifests(`${crd}\n---\n# a comment-only document is skipped\n`);
  expect(object?.kind).toBe('CustomResourceDefinition');
  expect(JSON.stringify(object)).toContain('"x-kubernetes-validations"');
  expect(JSON.stringify(object)).not.toContain('x_kubernetes_validations');
});
