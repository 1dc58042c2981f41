// scripts/cluster/ctl.sh stops and starts single components, as the operator's restart tests
// need: while the API server is stopped connections are refused; once `start` (or `restart`)
// returns it serves again, from the same etcd data. Disruptive: runs alone, after the others.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { apply, kube, rawRequest, readObject, useNamespace } from '@shopwatch/testkit';

const ctl = fileURLToPath(new URL('../../scripts/cluster/ctl.sh', import.meta.url));
const run = promisify(execFile);
const ns = useNamespace('ctl-restart');

async function ctlSh(...args: string[]): Promise<string> {
  const { stdout } = await run(ctl, args, { timeout: 120_000 });
  return stdout;
}

describe('ctl.sh', () => {
  it('stops the API server (connections refused) and starts it again with the data intact', async () => {
    const before = await apply<V1ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', namespace: ns.name }, data: { v: '1' } });
    await ctlSh('stop', 'kube-apiserver');
    try {
      expect(await ctlSh('status')).toMatch(/^kube-apiserver\s+pid=-\s+port=56443\s+stopped$/m);
      await expect(rawRequest(kube().kubeConfig, '/readyz', { retryForMs: 0 })).rejects.toThrow(/cannot reach the Kubernetes API.*ECONNREFUSED/);
    } finally {
      await ctlSh('start', 'kube-apiserver');
    }
    // No retry: `start` returns only once the server is ready.
    const after = await readObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'kept', namespace: ns.name });
    expect(after?.metadata?.uid).toBe(before.metadata?.uid);
  });

  it('restart gives a new process that serves at once', async () => {
    const pidOf = async () => /^kube-apiserver=(\d+)$/m.exec(await ctlSh('pids'))?.[1];
    const oldPid = await pidOf();
    await ctlSh('restart', 'kube-apiserver');
    const newPid = await pidOf();
    expect(newPid).toBeDefined();
    expect(newPid).not.toBe(oldPid);
    expect(await rawRequest<string>(kube().kubeConfig, '/readyz', { retryForMs: 0 })).toBe('ok');
  });
});
