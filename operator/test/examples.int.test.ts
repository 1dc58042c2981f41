// The example resources in k8s/examples are accepted by the CRD and become Ready, with the
// outputs they ask for (including a GrafanaDashboard where grafana-operator output is enabled).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, readObject, useNamespace, waitForCondition } from '@shopwatch/testkit';
import type { ServiceObservability } from '../src/api/v1alpha1.ts';
import { installCrd, outputRefs, parseYaml, repoRoot, resourceRef } from './support/fixtures.ts';
import { OperatorProcess } from './support/operator-process.ts';

const dir = path.join(repoRoot, 'k8s', 'examples');
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.serviceobservability.yaml'))
  .flatMap((file) => parseYaml(readFileSync(path.join(dir, file), 'utf8')).map((object) => ({ file, object: object as ServiceObservability })));

const ns = useNamespace('op-examples');
let operator: OperatorProcess;

beforeAll(async () => {
  await installCrd();
  operator = await OperatorProcess.start({ namespaces: [ns.name] });
});

afterAll(async () => {
  await operator?.stop();
});

describe('k8s/examples', () => {
  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  for (const { file, object } of examples) {
    it(`${file} becomes Ready with the outputs it asks for`, async () => {
      const name = object.metadata.name;
      await apply({ ...object, metadata: { ...object.metadata, namespace: ns.name } });
      const ready = await waitForCondition<ServiceObservability>(resourceRef(ns.name, name), 'Ready', { timeoutMs: 30_000 });
      const refs = outputRefs(ns.name, name);
      expect(await readObject(refs.serviceMonitor)).toBeDefined();
      expect(await readObject(refs.prometheusRule)).toBeDefined();
      const wantsConfigMap = object.spec.output?.sidecarConfigMap !== false && object.spec.dashboard?.enabled !== false;
      expect(Boolean(await readObject(refs.dashboard))).toBe(wantsConfigMap);
      if (object.spec.output?.grafanaDashboard?.enabled) {
        const dashboard = await readObject({ apiVersion: 'grafana.integreatly.org/v1beta1', kind: 'GrafanaDashboard', namespace: ns.name, name });
        expect(dashboard).toBeDefined();
        expect(ready.status?.outputs?.grafanaDashboard).toBe(name);
      }
    });
  }
});
