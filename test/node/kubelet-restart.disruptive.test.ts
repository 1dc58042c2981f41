// Restarting kubelet keeps the pods: containerd's shims hold the containers, so while kubelet
// is stopped the pod keeps serving, and the new kubelet adopts it (same pod, same container,
// no restart). Disruptive: stops the real node's kubelet, so it runs alone after the others.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { REAL_NODE_NAME, api, apply, kube, kubectl, realNodeEnabled, useNamespace, waitFor } from '@shopwatch/testkit';
import { CATALOG_IMAGE, RESTRICTED, loadImages, scriptPod } from './workloads.ts';

const ctl = fileURLToPath(new URL('../../scripts/cluster/ctl.sh', import.meta.url));
const run = promisify(execFile);
const ns = useNamespace('kubelet-restart', { labels: RESTRICTED });

async function ctlSh(...args: string[]): Promise<string> {
  const { stdout } = await run(ctl, args, { timeout: 150_000 });
  return stdout;
}

async function kubeletPid(): Promise<string | undefined> {
  return /^kubelet=(\d+)$/m.exec(await ctlSh('pids'))?.[1];
}

async function hello(podIP: string): Promise<string> {
  const response = await fetch(`http://${podIP}:8080/`, { signal: AbortSignal.timeout(10_000) });
  return `${response.status} ${await response.text()}`;
}

describe.skipIf(!realNodeEnabled())('kubelet restart on the real node', () => {
  it('keeps the pod running: it serves while kubelet is down, and the new kubelet adopts it unchanged', async () => {
    await loadImages(CATALOG_IMAGE);
    // A long-running server (restartPolicy Always), answering "hello" with its start time.
    const server = scriptPod(
      'survivor',
      `import { createServer } from 'node:http';
       const started = new Date().toISOString();
       createServer((req, res) => res.end('hello ' + started)).listen(8080);`,
    );
    server.spec!.restartPolicy = 'Always';
    server.spec!.containers[0]!.readinessProbe = { httpGet: { path: '/', port: 8080 }, periodSeconds: 2 };
    await apply(server, { namespace: ns.name });
    const ready = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
    const readPod = () => api(kube().core.readNamespacedPod({ namespace: ns.name, name: 'survivor' }));
    const before = await waitFor(
      'pod survivor Ready on the real node',
      async () => {
        const pod = await readPod();
        if (ready(pod)) return pod;
        throw new Error(`phase ${pod.status?.phase}: ${JSON.stringify(pod.status?.containerStatuses?.[0]?.state ?? {})}`);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(before.spec?.nodeName).toBe(REAL_NODE_NAME);
    const podIP = before.status!.podIP!;
    const answerBefore = await hello(podIP);
    expect(answerBefore).toMatch(/^200 hello /);

    const oldPid = await kubeletPid();
    expect(oldPid).toBeDefined();
    await ctlSh('stop', 'kubelet');
    let whileDown: string;
    try {
      expect(await kubeletPid()).toBeUndefined();
      // No kubelet at all now, and the same process still answers.
      whileDown = await hello(podIP);
    } finally {
      await ctlSh('start', 'kubelet');
    }
    expect(whileDown).toBe(answerBefore);
    const newPid = await kubeletPid();
    expect(newPid).toBeDefined();
    expect(newPid).not.toBe(oldPid);

    // The new kubelet reports the node and the pod again; nothing was restarted.
    const after = await waitFor(
      'pod survivor reported Ready by the new kubelet',
      async () => {
        const pod = await readPod();
        const status = pod.status?.containerStatuses?.[0];
        if (ready(pod) && status?.containerID) return pod;
        throw new Error(`ready=${ready(pod)} container=${status?.containerID ?? '-'}`);
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    expect(after.status?.containerStatuses?.[0]?.containerID).toBe(before.status?.containerStatuses?.[0]?.containerID);
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(await hello(podIP)).toBe(answerBefore);
    // And the new kubelet serves the API server's requests for the pod (logs through it). The
    // pod's Ready status above may still be the old kubelet's; the new one answers for the pod
    // only once it has synced it (seen in CI: 404 "pods/log" right after the restart), so poll.
    const logs = await waitFor(
      'kubectl logs served by the new kubelet',
      async () => {
        const result = await kubectl(['logs', '-n', ns.name, 'survivor'], { allowFailure: true });
        if (result.exitCode !== 0) throw new Error(result.stderr.trim());
        return result;
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
    expect(logs.exitCode).toBe(0);
  }, 300_000);
});
