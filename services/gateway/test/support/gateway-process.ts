// The gateway's real entry point as a child process (see the testkit's spawnService).
import { fileURLToPath } from 'node:url';
import { spawnService, type ServiceProcess } from '@shopwatch/testkit';

export { freePort } from '@shopwatch/testkit';
export type GatewayProcess = ServiceProcess;

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

/** Starts the process; with `ready: false` it does not wait for /readyz (for start-up failures). */
export async function spawnGateway(env: Record<string, string>, options: { ready?: boolean } = {}): Promise<GatewayProcess> {
  return spawnService({
    name: 'gateway',
    script: SERVER,
    env,
    ...(options.ready === undefined ? {} : { ready: options.ready }),
    readyTimeoutMs: 30_000,
  });
}
