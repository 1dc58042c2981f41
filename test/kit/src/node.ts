// Helpers for tests that place pods: on the real node of the local cluster (scripts/node:
// containerd + kubelet, where containers really run) or on kwok's simulated nodes (tainted, so
// only pods that ask for them land there).
import { spawn } from 'node:child_process';
import { kubeconfigPath, toolPath } from './k8s.ts';
import { waitFor } from './wait.ts';

/** Name of the real node (scripts/node/lib.sh NODE_NAME). */
export const REAL_NODE_NAME = 'shopwatch-node';
/** The node's address on the pod bridge: pods reach the host (API server, infra forwarders) here. */
export const REAL_NODE_IP = '10.245.0.1';
/** nodeSelector for pods that must really run. */
export const REAL_NODE_SELECTOR: Readonly<Record<string, string>> = Object.freeze({ 'shopwatch.dev/real-node': 'true' });
/** Taint of kwok's simulated nodes while the real node runs. */
export const SIMULATED_NODE_TAINT = 'shopwatch.dev/simulated';

export interface PodPlacement {
  nodeSelector: Record<string, string>;
  tolerations: { key: string; operator: 'Exists'; effect: 'NoSchedule' }[];
}

/**
 * Spread into a pod spec (or a pod template's spec) to place the pod on a simulated node, where
 * any image "runs" and is Ready at once: `spec: { ...simulatedNodePlacement(), containers }`.
 */
export function simulatedNodePlacement(): PodPlacement {
  return {
    nodeSelector: { type: 'kwok' },
    tolerations: [{ key: SIMULATED_NODE_TAINT, operator: 'Exists', effect: 'NoSchedule' }],
  };
}

/** Whether the local cluster runs the real node (`SHOPWATCH_REAL_NODE=0` switches it off). */
export function realNodeEnabled(): boolean {
  return process.env.SHOPWATCH_REAL_NODE !== '0';
}

/**
 * A loopback URL of the local infrastructure (.local/infra.env) as a pod reaches it: the node
 * forwards PostgreSQL's and Redis's ports from its IP to loopback (scripts/node/up.sh).
 */
export function urlForPods(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname !== '127.0.0.1' && parsed.hostname !== 'localhost') {
    throw new Error(`urlForPods: ${parsed.protocol}//${parsed.host} is not a loopback URL of the local infrastructure`);
  }
  parsed.hostname = REAL_NODE_IP;
  return parsed.toString();
}

export interface PortForward {
  /** The loopback port that reaches the target. */
  readonly localPort: number;
  /** Stops kubectl port-forward and waits for it to exit. */
  close(): Promise<void>;
}

/**
 * `kubectl port-forward <target> :<remotePort>` (target e.g. `svc/catalog` or `pod/x`), resolved
 * once kubectl says which loopback port it forwards from.
 */
export async function portForward(
  namespace: string,
  target: string,
  remotePort: number,
  options: { timeoutMs?: number } = {},
): Promise<PortForward> {
  const child = spawn(
    toolPath('kubectl'),
    ['port-forward', '-n', namespace, '--address', '127.0.0.1', target, `:${remotePort}`],
    { env: { ...process.env, KUBECONFIG: kubeconfigPath() }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('close', (code, signal) => {
      exited = `exited with ${code ?? signal}`;
      resolve();
    });
  });
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const close = async (): Promise<void> => {
    if (exited === undefined) child.kill('SIGTERM');
    await exit;
  };
  try {
    const localPort = await waitFor(
      `kubectl port-forward -n ${namespace} ${target} :${remotePort} listening`,
      () => {
        if (exited !== undefined) throw new Error(`kubectl ${exited}: ${output.trim()}`);
        const match = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(output);
        return match ? Number(match[1]) : undefined;
      },
      { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 100 },
    );
    return { localPort, close };
  } catch (error) {
    await close();
    throw error;
  }
}
