// Runs inventory's real entry point (src/server.ts) as a child process, as it runs in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { infraEnv, waitFor } from '@shopwatch/testkit';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
export const PROCESS_JWT_SECRET = 'process-test-secret-with-at-least-32-chars';

export interface InventoryProcess {
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

export async function spawnInventory(databaseUrl: string, env: Record<string, string> = {}): Promise<InventoryProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env['PATH'] ?? '',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: infraEnv().kafkaBrokers.join(','),
      JWT_SECRET: PROCESS_JWT_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `inventory on ${url} ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`inventory exited with ${child.exitCode}: ${output.slice(-2000)}`);
      return (await fetch(`${url}/readyz`)).ok;
    },
    { timeoutMs: 45_000, intervalMs: 200 },
  );
  return { child, url, output: () => output, exited };
}
