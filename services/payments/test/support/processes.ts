// Runs the real entry points (psp's and payments' src/server.ts) as child processes, as they run
// in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@shopwatch/testkit';

const SERVERS = {
  payments: fileURLToPath(new URL('../../src/server.ts', import.meta.url)),
  psp: fileURLToPath(new URL('../../../psp/src/server.ts', import.meta.url)),
};

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function spawnService(name: keyof typeof SERVERS, env: Record<string, string>, options: { ready?: boolean } = {}): Promise<ServiceProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [SERVERS[name]], {
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  if (options.ready !== false) {
    await waitFor(
      `${name} on ${url} ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output.slice(-2000)}`);
        return (await fetch(`${url}/readyz`)).ok;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }
  return { child, url, output: () => output, exited };
}
