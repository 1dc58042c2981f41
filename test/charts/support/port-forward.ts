// `kubectl port-forward` to a Service on a free local port, for as long as a test needs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { kubeconfigPath, toolPath } from '@shopwatch/testkit';

export interface PortForward {
  url: string;
  close(): Promise<void>;
}

export async function portForward(namespace: string, service: string, remotePort: number, timeoutMs = 30_000): Promise<PortForward> {
  const child: ChildProcess = spawn(toolPath('kubectl'), ['port-forward', '-n', namespace, `svc/${service}`, `:${remotePort}`, '--address', '127.0.0.1'], {
    env: { ...process.env, KUBECONFIG: kubeconfigPath() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubectl port-forward to ${service} printed no port within ${timeoutMs} ms: ${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward to ${service} exited with ${code}: ${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
