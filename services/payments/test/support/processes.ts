// psp's and payments' real entry points as child processes (see the testkit's spawnService).
import { fileURLToPath } from 'node:url';
import { spawnService as spawnEntryPoint, type ServiceProcess } from '@shopwatch/testkit';

export { freePort, type ServiceProcess } from '@shopwatch/testkit';

const SERVERS = {
  payments: fileURLToPath(new URL('../../src/server.ts', import.meta.url)),
  psp: fileURLToPath(new URL('../../../psp/src/server.ts', import.meta.url)),
};

export async function spawnService(name: keyof typeof SERVERS, env: Record<string, string>, options: { ready?: boolean } = {}): Promise<ServiceProcess> {
  return spawnEntryPoint({ name, script: SERVERS[name], env, ...(options.ready === undefined ? {} : { ready: options.ready }) });
}
