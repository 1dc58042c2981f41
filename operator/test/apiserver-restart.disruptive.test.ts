// The API server is restarted while the operator runs (a shared program, hence the disruptive
// project, which runs alone). Its watches must notice, come back, and reconciles must resume:
// a new resource becomes Ready and a manual edit is reverted.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, readObject, useNamespace, waitFor, waitForCondition } from '@shopwatch/testkit';
import { exampleSpec, installCrd, outputRefs, repoRoot, resourceRef, serviceObservability } from './support/fixtures.ts';
import { OperatorProcess } from './support/operator-process.ts';

const run = promisify(execFile);
const ns = useNamespace('op-apiserver-restart');
let operator: OperatorProcess | undefined;

beforeAll(async () => {
  await installCrd();
  await apply(serviceObservability(ns.name, 'orders', exampleSpec('orders')));
  operator = await OperatorProcess.start({ namespaces: [ns.name] });
  await waitForCondition(resourceRef(ns.name, 'orders'), 'Ready', { timeoutMs: 60_000 });
});

afterAll(async () => {
  await operator?.stop();
});

describe('API server restart mid-run', () => {
  it('resumes reconciling once the API server is back', { timeout: 180_000 }, async () => {
    const current = operator as OperatorProcess;
    const restartsBefore = await current.metric('shopwatch_operator_informer_restarts_total');

    await run(path.join(repoRoot, 'scripts', 'cluster', 'ctl.sh'), ['restart', 'kube-apiserver'], { timeout: 120_000 });

    // The watches noticed and came back ...
    await waitFor('informers to restart', async () => (await current.metric('shopwatch_operator_informer_restarts_total')) > restartsBefore, {
      timeoutMs: 60_000,
    });
    // ... and new work is picked up: a new resource becomes Ready and an edit is reverted.
    await apply(serviceObservability(ns.name, 'after-restart', exampleSpec('after-restart')));
    await waitForCondition(resourceRef(ns.name, 'after-restart'), 'Ready', { timeoutMs: 60_000 });
    const monitor = outputRefs(ns.name, 'orders').serviceMonitor;
    await apply(
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'orders', namespace: ns.name },
        spec: { endpoints: [{ port: 'http', interval: '5m' }] },
      },
      { fieldManager: 'someone-else', force: true },
    );
    await waitFor(
      'the edited interval to be reverted',
      async () => {
        const live = await readObject<{ kind: string; spec?: { endpoints?: Array<{ interval?: string }> } }>(monitor);
        return live?.spec?.endpoints?.[0]?.interval === '30s';
      },
      { timeoutMs: 20_000 },
    );
    expect(current.exited).toBe(false);
  });
});
