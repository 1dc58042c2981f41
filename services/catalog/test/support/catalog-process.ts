// Catalog's real entry point as a child process (see the testkit's spawnService).
import { fileURLToPath } from 'node:url';
import { infraEnv, spawnService, type ServiceProcess } from '@shopwatch/testkit';

export { freePort } from '@shopwatch/testkit';
export type CatalogProcess = ServiceProcess;

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

export async function spawnCatalog(databaseUrl: string, env: Record<string, string> = {}): Promise<CatalogProcess> {
  return spawnService({
    name: 'catalog',
    script: SERVER,
    env: {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: infraEnv().kafkaBrokers.join(','),
      JWT_SECRET: 'process-test-secret-with-at-least-32-chars',
      ...env,
    },
  });
}
