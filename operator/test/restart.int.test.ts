// Operator restart, counted: it must cost zero writes for resources that did not change
// (measured with the operator's own write counter). The API server restart is in
// apiserver-restart.disruptive.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, useNamespace, waitFor, waitForCondition } from '@shopwatch/testkit';
import { exampleSpec, installCrd, resourceRef, serviceObservability } from './support/fixtures.ts';
import { OperatorProcess } from './support/operator-process.ts';

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
