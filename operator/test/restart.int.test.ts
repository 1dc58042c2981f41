// Restarts, counted: an operator restart must cost zero writes for resources that did not
// change (measured with the operator's own write counter), and an API server restart in the
// middle of a run must not stop reconciles from resuming.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, readObject, useNamespace, waitFor, waitForCondition } from '@shopwatch/testkit';
import type { ServiceObservability } from '../src/api/v1alpha1.ts';
import { exampleSpec, installCrd, outputRefs, repoRoot, resourceRef, serviceObservability } from './support/fixtures.ts';
import { OperatorProcess } from './support/operator-process.ts';

const run = promisify(execFile);
const ns = useNamespace('op-restart');
const names = ['orders', 'payments', 'inventory', 'shipping', 'users'];
let operator: OperatorProcess | undefined;

beforeAll(async () => {
  await installCrd();
  for (const name of names) await apply(serviceObservability(ns.name, name, exampleSpec(name)));
});

afterAll(async () => {
  await operator?.stop();
});

async function allReady(): Promise<void> {
  for (const name of names) await waitForCondition(resourceRef(ns.name, name), 'Ready', { timeoutMs: 60_000 });
}

describe('operator restart', () => {
  it('makes zero writes for resources that did not change', async () => {
    operator = await OperatorProcess.start({ namespaces: [ns.name] });
    await allReady();
    const firstRunWrites = await operator.objectWrites();
    // 3 outputs and one status per resource at least.
    expect(firstRunWrites).toBeGreaterThanOrEqual(names.length * 4);
    expect(await operator.stop()).toBe(0);

    operator = await OperatorProcess.start({ namespaces: [ns.name] });
    const restarted = operator;
    // Every resource was reconciled again (from the initial list) ...
    await waitFor(
      'the restarted operator to reconcile every resource',
      async () => (await restarted.metric('shopwatch_operator_reconciles_total', { result: 'success' })) >= names.length,
      { timeoutMs: 30_000 },
    );
    // ... and the queue has drained, so no write can still be on its way.
    await waitFor('an empty queue', async () => (await restarted.metric('shopwatch_operator_queue_depth')) === 0, { timeoutMs: 10_000 });
    expect(await restarted.objectWrites(), restarted.describe()).toBe(0);
    expect(await restarted.metric('shopwatch_operator_api_writes_total')).toBe(0);
  });
});

describe('API server restart mid-run', () => {
  it('resumes reconciling once the API server is back', async () => {
    const current = operator ?? (operator = await OperatorProcess.start({ namespaces: [ns.name] }));
    await allReady();
    const restartsBefore = await current.metric('shopwatch_operator_informer_restarts_total');

    await run(path.join(repoRoot, 'scripts', 'cluster', 'ctl.sh'), ['restart', 'kube-apiserver'], { timeout: 120_000 });

    // The watches noticed and came back ...
    await waitFor('informers to restart', async () => (await current.metric('shopwatch_operator_informer_restarts_total')) > restartsBefore, {
      timeoutMs: 60_000,
    });
    // ... and new work is picked up: a new resource becomes Ready and an edit is reverted.
    await apply(serviceObservability(ns.name, 'after-restart', exampleSpec('after-restart')));
    await waitForCondition<ServiceObservability>(resourceRef(ns.name, 'after-restart'), 'Ready', { timeoutMs: 60_000 });
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
