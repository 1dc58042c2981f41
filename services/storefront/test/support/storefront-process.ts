// The storefront's real entry point as a child process (see the testkit's spawnService).
import { fileURLToPath } from 'node:url';
import { spawnService, type ServiceProcess } from '@shopwatch/testkit';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

export async function spawnStorefront(distDir: string, env: Record<string, string> = {}, options: { ready?: boolean } = {}): Promise<ServiceProcess> {
  return spawnService({
    name: 'storefront',
    script: SERVER,
    env: { DIST_DIR: distDir, ...env },
    nodeFlags: ['--max-semi-space-size=2'],
    ...(options.ready === undefined ? {} : { ready: options.ready }),
  });
}

/** Resident set size of a process in MB (Linux). */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}
