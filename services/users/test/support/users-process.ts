// Users' real entry point as a child process (see the testkit's spawnService).
import { fileURLToPath } from 'node:url';
import { spawnService, type ServiceProcess } from '@shopwatch/testkit';

export { freePort } from '@shopwatch/testkit';
export type UsersProcess = ServiceProcess;

export const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
export const PROCESS_JWT_SECRET = 'process-test-secret-with-at-least-32-chars';

/** Starts the process; with `ready: false` it does not wait for /readyz (for start-up failures). */
export async function spawnUsers(databaseUrl: string | undefined, env: Record<string, string> = {}, options: { ready?: boolean } = {}): Promise<UsersProcess> {
  return spawnService({
    name: 'users',
    script: SERVER,
    env: { ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), JWT_SECRET: PROCESS_JWT_SECRET, ...env },
    ...(options.ready === undefined ? {} : { ready: options.ready }),
    readyTimeoutMs: 30_000,
  });
}
