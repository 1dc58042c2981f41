// A leader cut off from the API server (its connections go through a proxy that is then
// partitioned) must stop reconciling before anyone else can take the lease: it steps down after
// the renew deadline (10 s), the standby takes over once the lease expires (15 s). So whenever
// the standby reports itself leader, the cut-off replica must already have stepped down.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, kube, useNamespace, waitFor, waitForCondition } from '@shopwatch/testkit';
import { exampleSpec, installCrd, resourceRef, serviceObservability } from './support/fixtures.ts';
import { FreezableProxy } from './support/freezable-proxy.ts';
import { OperatorProcess } from './support/operator-process.ts';

const ns = useNamespace('op-stepdown');
const leaseId = 'shopwatch-operator-stepdown';
let proxy: FreezableProxy;
let cutOff: OperatorProcess | undefined;
let standby: OperatorProcess | undefined;

function kubeconfigVia(port: number): string {
  const config = JSON.parse(kube().kubeConfig.exportConfig()) as { clusters: Array<{ cluster: { server: string } }> };
  for (const entry of config.clusters) entry.cluster.server = `https://127.0.0.1:${port}`;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'stepdown-kubeconfig-')), 'kubeconfig');
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

beforeAll(async () => {
  await installCrd();
  const server = new URL(kube().kubeConfig.getCurrentCluster()?.server ?? '');
  proxy = new FreezableProxy({ host: server.hostname, port: Number(server.port || 443) });
  await proxy.listen();
});

afterAll(async () => {
  await Promise.all([cutOff?.kill(), standby?.stop()]);
  await proxy?.close();
});

describe('a leader cut off from the API server', () => {
  it('steps down before the standby takes over, and the standby carries on', { timeout: 120_000 }, async () => {
    const leaderElection = (identity: string) => ({ namespace: ns.name, id: leaseId, identity });
    cutOff = await OperatorProcess.start({ namespaces: [ns.name], kubeconfig: kubeconfigVia(proxy.port), leaderElection: leaderElection('behind-proxy') });
    const first = cutOff;
    await waitFor('the first replica to lead', () => first.isLeader(), { timeoutMs: 30_000 });
    standby = await OperatorProcess.start({ namespaces: [ns.name], leaderElection: leaderElection('direct') });
    const second = standby;
    expect(await second.isLeader()).toBe(false);

    proxy.partition();
    let cutOffWasLeaderWhenStandbyLed = false;
    await waitFor(
      'the standby to take over',
      async () => {
        const standbyLeads = await second.isLeader();
        if (standbyLeads && (await first.isLeader())) cutOffWasLeaderWhenStandbyLed = true;
        return standbyLeads;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(cutOffWasLeaderWhenStandbyLed).toBe(false);
    expect(await first.isLeader()).toBe(false);
    expect(first.logs.some((l) => l.msg === 'could not renew the lease in time; stepping down')).toBe(true);

    await apply(serviceObservability(ns.name, 'after-stepdown', exampleSpec('after-stepdown')));
    await waitForCondition(resourceRef(ns.name, 'after-stepdown'), 'Ready', { timeoutMs: 30_000 });
    expect(await second.objectWrites()).toBeGreaterThan(0);
  });
});
