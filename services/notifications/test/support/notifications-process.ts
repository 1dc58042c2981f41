// Notifications' real entry point as a child process (see the testkit's spawnService).
import { fileURLToPath } from 'node:url';
import { infraEnv, spawnService, type ServiceProcess } from '@shopwatch/testkit';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
export const PROCESS_JWT_SECRET = 'process-test-secret-with-at-least-32-chars';

export async function spawnNotifications(databaseUrl: string, env: Record<string, string> = {}, options: { ready?: boolean } = {}): Promise<ServiceProcess> {
  return spawnService({
    name: 'notifications',
    script: SERVER,
    env: { DATABASE_URL: databaseUrl, KAFKA_BROKERS: infraEnv().kafkaBrokers.join(','), JWT_SECRET: PROCESS_JWT_SECRET, ...env },
    readyTimeoutMs: 45_000,
    ...(options.ready === undefined ? {} : { ready: options.ready }),
  });
}
