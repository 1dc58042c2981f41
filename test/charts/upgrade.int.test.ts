// `helm upgrade` from the previous chart version while orders are being placed, on the local
// cluster's real node: the packaged 0.1.0 (test/charts/fixtures) is installed, then upgraded to
// the working tree's chart while a load driver places orders through the gateway Service
// (port-forward) at a steady rate, each under an Idempotency-Key. Every accepted order must
// reach a terminal state, none cancelled or refused because of the rollout, none lost or placed
// twice; the numbers and the rollout's seconds are printed. Then `helm rollback` to 0.1.0: pods
// Ready again and a checkout confirms. The data pods (no persistence here) are never replaced.
// Skipped only when SHOPWATCH_REAL_NODE=0 (no node that runs pods).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, helm, kube, listObjects, loadShopImages, SHOP_SERVICES, useNamespace, waitFor } from '@shopwatch/testkit';
import { chartDir, repoRoot } from './support/chart.ts';
import { placeOrders, prepareCustomer, resilientForward, settle, summarize, type Customer, type Forward } from './support/load.ts';

const run = promisify(execFile);
const realNode = process.env.SHOPWATCH_REAL_NODE !== '0';
const RELEASE = `upgrade-${Math.random().toString(36).slice(2, 7)}`;
const PREVIOUS = path.join(repoRoot, 'test', 'charts', 'fixtures', 'shopwatch-0.1.0.tgz');
const SERVICES = SHOP_SERVICES;
const LONG_RUNNING_PODS = SERVICES.length + 4;
const VALUES = ['-f', path.join(chartDir, 'values-local.yaml'), '--set', 'loadgen.rate=0.2'];
/**
 * 0.1.0 runs today's images, and today's psp keeps its ledger in PostgreSQL: 0.1.0 gives a service a
 * database (and its NetworkPolicy the egress) when asked. Chart 0.3.0 does so by default.
 */
const PREVIOUS_VALUES = [...VALUES, '--set', 'services.psp.database=true'];
/**
 * A decline the psp simulates on purpose (a faults value or a test card) is not the rollout's doing.
 * Nothing else is excused: psp is replaced by this upgrade, and its ledger (PostgreSQL) carries
 * every authorisation across, so no order may be cancelled `not_authorized` because of it.
 */
const ON_PURPOSE = new Set(['declined']);

if (!realNode) {
  describe('charts/shopwatch upgrade on the real node', () => {
    it.skip('skipped: SHOPWATCH_REAL_NODE=0 — the local cluster has no node that runs pods', () => undefined);
  });
}

describe.skipIf(!realNode)('charts/shopwatch: helm upgrade from 0.1.0 under load, then rollback', () => {
  const ns = useNamespace('chart-upgrade', {
    labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
  });
  let forward: Forward | undefined;
  let customer: Customer;
  const dataPods = new Map<string, string>();

  const pods = async () => (await api(kube().core.listNamespacedPod({ namespace: ns.name }))).items.filter((p) => !p.metadata?.labels?.['job-name']);
  const isReady = (p: V1Pod) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !p.metadata?.deletionTimestamp;
  const allReady = (what: string, timeoutMs: number) =>
    waitFor(
      `${LONG_RUNNING_PODS} pods Ready ${what}`,
      async () => {
        const all = await pods();
        const ready = all.filter(isReady);
        if (ready.length === LONG_RUNNING_PODS && all.length === LONG_RUNNING_PODS) return ready;
        throw new Error(`${ready.length}/${LONG_RUNNING_PODS} ready of ${all.length}: ${all.filter((p) => !isReady(p)).map((p) => p.metadata?.name ?? '').join(', ')}`);
      },
      { timeoutMs, intervalMs: 3_000 },
    );
  /** Every Deployment of the release rolled out: new pods all Ready, no old pod left (not even terminating). */
  const rolledOut = async () => {
    const deployments = await listObjects<V1Deployment>('apps/v1', 'Deployment', { namespace: ns.name });
    const pending = deployments.filter((d) => {
      const want = d.spec?.replicas ?? 1;
      const s = d.status;
      return (s?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0) || s?.updatedReplicas !== want || s.readyReplicas !== want || s.replicas !== want;
    });
    const terminating = (await pods()).filter((p) => p.metadata?.deletionTimestamp);
    return pending.length === 0 && terminating.length === 0;
  };
  const podUids = async (names: readonly string[]) => new Map((await pods()).filter((p) => names.includes(p.metadata?.name ?? '')).map((p) => [p.metadata?.name ?? '', p.metadata?.uid ?? '']));

  beforeAll(async () => {
    // The images must be in the node's containerd (pull policy Never), as for the install test.
    await loadShopImages();
  }, 1_200_000);

  afterAll(async () => {
    await forward?.close();
    if (!process.env.KEEP_TEST_NAMESPACES) await helm(['uninstall', RELEASE, '-n', ns.name, '--timeout', '120s'], { allowFailure: true });
  }, 180_000);

  it('installs the packaged 0.1.0 and takes orders', async () => {
    const { stdout } = await run('tar', ['-xzOf', PREVIOUS, 'shopwatch/Chart.yaml']);
    expect(stdout).toMatch(/^version: 0\.1\.0$/m);
    await helm(['install', RELEASE, PREVIOUS, '-n', ns.name, ...PREVIOUS_VALUES], { timeoutMs: 180_000 });
    await allReady('on 0.1.0', 480_000);
    for (const name of [`${RELEASE}-shopwatch-postgresql-0`, `${RELEASE}-shopwatch-kafka-0`]) {
      const uid = (await podUids([name])).get(name);
      expect(uid, name).toBeTruthy();
      dataPods.set(name, uid ?? '');
    }
    forward = await resilientForward(ns.name, `${RELEASE}-shopwatch-gateway`, 8080);
    customer = await prepareCustomer(forward, ns.name, `${RELEASE}-shopwatch-admin`, 1_000);
  }, 900_000);

  it('upgrades to the working tree chart while orders are placed: every order accepted and confirmed, none lost', async () => {
    if (!forward) throw new Error('no port-forward: the install step failed');
    const gatewayForward = forward;
    let rolloutDone = false;
    // The load runs before and through the rollout (measured here: about 150 s): 0.7 orders/s,
    // at least 60, at most 100, until the rollout is done.
    const load = placeOrders(gatewayForward, customer, { rate: 0.7, min: 60, max: 100, until: () => rolloutDone, keyPrefix: `upgrade-${ns.name}` });
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const pspPod = async () => (await pods()).find((p) => p.metadata?.labels?.['app.kubernetes.io/name'] === 'psp' && !p.metadata?.deletionTimestamp)?.metadata?.uid;
    const pspBefore = await pspPod();
    const upgradeStarted = Date.now();
    await helm(['upgrade', RELEASE, chartDir, '-n', ns.name, ...VALUES], { timeoutMs: 180_000 });
    await waitFor('the rollout of every Deployment', async () => (await rolledOut()) || undefined, { timeoutMs: 600_000, intervalMs: 2_000 }).finally(() => {
      rolloutDone = true;
    });
    const rolloutSeconds = (Date.now() - upgradeStarted) / 1000;
    const result = await load;
    const ids = [...result.accepted.values()];
    const outcomes = await settle(gatewayForward, customer, ids, 240_000);
    console.log(`chart upgrade 0.1.0 → working tree: rollout ${rolloutSeconds.toFixed(0)} s; ${summarize(result, outcomes)}; port-forward reopened ${gatewayForward.reopens()} times`);

    const release = JSON.parse((await helm(['status', RELEASE, '-n', ns.name, '-o', 'json'])).stdout) as { version: number; chart?: { metadata?: { version?: string } } };
    expect(release.version).toBe(2);
    expect(result.placed).toBeGreaterThanOrEqual(60);
    // Every order was accepted (retried under its key until it was), and the shop's answers
    // were never a failure: no 5xx from the gateway or a service during the rollout.
    expect(Object.fromEntries(result.notAccepted)).toEqual({});
    expect(Object.keys(result.failedRequests).filter((kind) => kind.startsWith('5'))).toEqual([]);
    // One order per key (idempotency held through retries), none lost: the customer's list is exactly the accepted ones.
    expect(new Set(ids).size).toBe(result.placed);
    expect([...outcomes.keys()].sort()).toEqual([...ids].sort());
    const pspReplaced = (await pspPod()) !== pspBefore;
    const notConfirmed = ids
      .map((id) => ({ id, ...outcomes.get(id) }))
      .filter((o) => o.status !== 'confirmed' && !(o.status === 'cancelled' && ON_PURPOSE.has(o.reason ?? '')));
    expect(notConfirmed).toEqual([]);
    console.log(`psp ${pspReplaced ? 'replaced (its ledger in PostgreSQL carried every authorisation across)' : 'kept'}`);
    // Without persistence the data lives in the pods: the upgrade did not replace them.
    expect(await podUids([...dataPods.keys()])).toEqual(dataPods);
  }, 1_500_000);

  it('rolls back to 0.1.0: pods Ready again, the data pods the same, and a checkout confirms', async () => {
    if (!forward) throw new Error('no port-forward: the install step failed');
    const started = Date.now();
    await helm(['rollback', RELEASE, '1', '-n', ns.name], { timeoutMs: 180_000 });
    await waitFor('the rollback of every Deployment', async () => (await rolledOut()) || undefined, { timeoutMs: 600_000, intervalMs: 2_000 });
    await allReady('after the rollback', 120_000);
    console.log(`chart rollback to 0.1.0: ${Math.round((Date.now() - started) / 1000)} s`);
    const deployments = await listObjects<V1Deployment>('apps/v1', 'Deployment', { namespace: ns.name, labelSelector: 'app.kubernetes.io/name=gateway' });
    expect(deployments[0]?.spec?.template.metadata?.labels?.['helm.sh/chart']).toBe('shopwatch-0.1.0');
    expect(await podUids([...dataPods.keys()])).toEqual(dataPods);

    const result = await placeOrders(forward, customer, { rate: 1, min: 1, max: 1, until: () => true, keyPrefix: `rollback-${ns.name}` });
    const ids = [...result.accepted.values()];
    expect(ids).toHaveLength(1);
    const outcomes = await settle(forward, customer, ids, 180_000);
    expect(outcomes.get(ids[0] ?? '')).toEqual({ status: 'confirmed', reason: null });
  }, 900_000);
});
