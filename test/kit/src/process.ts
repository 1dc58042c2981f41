// Runs a service's real entry point (its src/server.ts) as a child process on a free loopback
// port, the way it runs in production, and waits until it answers /readyz. One helper for every
// service's process tests (SIGTERM, readiness, tracing, start-up failures).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from './wait.ts';

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnServiceOptions {
  /** Used in messages only, e.g. `catalog`. */
  name: string;
  /** Absolute path of the entry point. */
  script: string;
  /** The service's environment; PATH, PORT, HOST (127.0.0.1) and LOG_LEVEL (info) are preset. */
  env?: Record<string, string>;
  /** Node options before the script, e.g. the image's `--max-semi-space-size=2`. */
  nodeFlags?: string[];
  /** Wait for /readyz (default true); false for start-up failure tests. */
  ready?: boolean;
  readyTimeoutMs?: number;
}

/** A loopback port that was free a moment ago. */
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

export async function spawnService(options: SpawnServiceOptions): Promise<ServiceProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.script], {
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  if (options.ready !== false) {
    await waitFor(
      `${options.name} on ${url} ready`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode}: ${output.slice(-2000)}`);
        return (await fetch(`${url}/readyz`)).ok;
      },
      { timeoutMs: options.readyTimeoutMs ?? 60_000, intervalMs: 200 },
    );
  }
  return { child, port, url, output: () => output, exited };
}
