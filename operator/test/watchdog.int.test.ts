// Silent watches: the operator's connections to the API server are frozen (open, but no bytes
// flow — what a dropped NAT entry looks like). The watchdog must notice the silence, restart the
// watches on fresh connections, and the operator must go back to reverting edits.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, kube, readObject, useNamespace, waitFor, waitForCondition } from '@shopwatch/testkit';
import { exampleSpec, installCrd, outputRefs, resourceRef, serviceObservability } from './support/fixtures.ts';
import { FreezableProxy } from './support/freezable-proxy.ts';
import { OperatorProcess } from './support/operator-process.ts';

const ns = useNamespace('op-watchdog');
let proxy: FreezableProxy;
let operator: OperatorProcess | undefined;

beforeAll(async () => {
  await installCrd();
  const admin = kube().kubeConfig;
  const server = new URL(admin.getCurrentCluster()?.server ?? '');
  proxy = new FreezableProxy({ host: server.hostname, port: Number(server.port || 443) });
  await proxy.listen();
  // The admin kubeconfig, pointed at the proxy (the certificate is for 127.0.0.1, any port).
  const config = JSON.parse(admin.exportConfig()) as { clusters: Array<{ cluster: { server: string } }> };
  for (const entry of config.clusters) entry.cluster.server = `https://127.0.0.1:${proxy.port}`;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'watchdog-kubeconfig-')), 'kubeconfig');
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  operator = await OperatorProcess.start({ namespaces: [ns.name], kubeconfig: file, extraArgs: ['--watch-watchdog=3s'] });
});

afterAll(async () => {
  await operator?.stop();
  await proxy?.close();
});

describe('a watch that goes silent', () => {
  it('is restarted by the watchdog, and edits are reverted again afterwards', { timeout: 150_000 }, async () => {
    const running = operator as OperatorProcess;
    await apply(serviceObservability(ns.name, 'quiet', exampleSpec('quiet')));
    await waitForCondition(resourceRef(ns.name, 'quiet'), 'Ready', { timeoutMs: 30_000 });
    const before = await running.metric('shopwatch_operator_informer_restarts_total', { cause: 'watchdog' });

    expect(proxy.freeze()).toBeGreaterThan(0);
    await waitFor(
      'the watchdog to restart the frozen watches',
      async () => (await running.metric('shopwatch_operator_informer_restarts_total', { cause: 'watchdog' })) > before,
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    const monitor = outputRefs(ns.name, 'quiet').serviceMonitor;
    await apply(
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'quiet', namespace: ns.name }, spec: { endpoints: [{ port: 'http', interval: '5m' }] } },
      { fieldManager: 'someone-else', force: true },
    );
    // Requests that were in flight on frozen connections time out (30 s) before they are retried.
    await waitFor(
      'the edit to be reverted over fresh connections',
      async () => (await readObject<{ kind: string; spec?: { endpoints?: Array<{ interval?: string }> } }>(monitor))?.spec?.endpoints?.[0]?.interval === '30s',
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });
});
