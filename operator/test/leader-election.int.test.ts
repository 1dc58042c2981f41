// Two replicas share one Lease: exactly one reconciles; killing it (SIGKILL, no release) hands
// leadership to the other within 30 s, and the new leader does the work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, readObject, useNamespace, waitFor, waitForCondition } from '@shopwatch/testkit';
import { exampleSpec, installCrd, resourceRef, serviceObservability } from './support/fixtures.ts';
import { OperatorProcess } from './support/operator-process.ts';

const ns = useNamespace('op-leader');
const leaseId = 'shopwatch-operator-test';
let replicas: OperatorProcess[] = [];

interface Lease {
  kind: string;
  spec?: { holderIdentity?: string; leaseTransitions?: number };
}

beforeAll(async () => {
  await installCrd();
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
});

function replica(identity: string): Promise<OperatorProcess> {
  return OperatorProcess.start({ namespaces: [ns.name], leaderElection: { namespace: ns.name, id: leaseId, identity } });
}

async function leaders(): Promise<OperatorProcess[]> {
  const flags = await Promise.all(replicas.map(async (r) => (r.exited ? false : r.isLeader())));
  return replicas.filter((_, i) => flags[i]);
}

describe('two replicas', () => {
  it('elect one leader, which alone reconciles', async () => {
    replicas = [await replica('replica-a'), await replica('replica-b')];
    const [leader] = await waitFor('exactly one leader', async () => {
      const current = await leaders();
      return current.length === 1 ? current : undefined;
    }, { timeoutMs: 30_000 });
    const lease = await readObject<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns.name, name: leaseId });
    const leaderIdentity = leader === replicas[0] ? 'replica-a' : 'replica-b';
    expect(lease?.spec?.holderIdentity).toBe(leaderIdentity);

    await apply(serviceObservability(ns.name, 'first', exampleSpec('first')));
    await waitForCondition(resourceRef(ns.name, 'first'), 'Ready', { timeoutMs: 30_000 });
    const standby = replicas.find((r) => r !== leader);
    expect(await standby?.objectWrites()).toBe(0);
    expect(await leader?.objectWrites()).toBeGreaterThan(0);
    // A standby is healthy and ready: it only waits for the lease.
    expect((await standby?.get('/readyz'))?.status).toBe(200);
  });

  it('fail over within 30 s when the leader is killed', async () => {
    const [leader] = await leaders();
    if (!leader) throw new Error('no leader');
    const standby = replicas.find((r) => r !== leader);
    if (!standby) throw new Error('no standby');
    await leader.kill();

    await waitFor('the standby to take the lease', () => standby.isLeader(), { timeoutMs: 30_000, intervalMs: 250 });
    const lease = await readObject<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns.name, name: leaseId });
    expect(lease?.spec?.holderIdentity).toBe(standby === replicas[0] ? 'replica-a' : 'replica-b');
    expect(lease?.spec?.leaseTransitions).toBeGreaterThanOrEqual(1);

    await apply(serviceObservability(ns.name, 'second', exampleSpec('second')));
    await waitForCondition(resourceRef(ns.name, 'second'), 'Ready', { timeoutMs: 30_000 });
    expect(await standby.objectWrites()).toBeGreaterThan(0);
  });

  it('release the lease on graceful shutdown, and another replica takes over', async () => {
    const [leader] = await leaders();
    if (!leader) throw new Error('no leader');
    const leaderIdentity = leader === replicas[0] ? 'replica-a' : 'replica-b';
    const fresh = await replica('replica-c');
    replicas.push(fresh);
    expect(await leader.stop()).toBe(0);
    // The lease was renewed moments ago, so only an explicit release can have cleared the holder.
    const lease = await readObject<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: ns.name, name: leaseId });
    expect(lease?.spec?.holderIdentity ?? '').not.toBe(leaderIdentity);
    await waitFor('the new replica to lead', () => fresh.isLeader(), { timeoutMs: 30_000, intervalMs: 250 });
  });
});
