// The shop loadgen drives, as real processes on loopback: catalog (seeded), users and support, each
// on a fresh PostgreSQL database, and the gateway in front of them on real Redis. Every other
// upstream points at a closed port, so the gateway answers for it with 503 upstream-unavailable.
import path from 'node:path';
import { loadSeed, migrateCatalog } from '@shopwatch/catalog';
import { createPool } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, repoRoot, spawnService, uniqueName, type ServiceProcess, type TestDatabase } from '@shopwatch/testkit';

export const JWT_SECRET = 'loadgen-test-secret-with-at-least-32-characters';
export const CLOSED_URL = 'http://127.0.0.1:1';

const script = (service: string) => path.join(repoRoot(), 'services', service, 'src', 'server.ts');

export interface Shop {
  gateway: ServiceProcess;
  catalog: ServiceProcess;
  users: ServiceProcess;
  support: ServiceProcess;
  close(): Promise<void>;
}

async function stop(service: ServiceProcess | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null) return;
  service.child.kill('SIGTERM');
  await service.exited;
}

/** Extra environment per process, over the defaults. */
export interface ShopEnv {
  gateway?: Record<string, string>;
  catalog?: Record<string, string>;
}

export async function startShop(extra: ShopEnv = {}): Promise<Shop> {
  const dbs: TestDatabase[] = [];
  const started: ServiceProcess[] = [];
  const close = async () => {
    for (const service of started.reverse()) await stop(service);
    for (const db of dbs) await db.drop();
  };
  try {
    const catalogDb = await createTestDatabase('loadgen-catalog');
    dbs.push(catalogDb);
    await migrateCatalog(catalogDb.url);
    const pool = createPool({ connectionString: catalogDb.url, max: 1 });
    try {
      await loadSeed(pool);
    } finally {
      await pool.end();
    }
    const usersDb = await createTestDatabase('loadgen-users');
    dbs.push(usersDb);
    const supportDb = await createTestDatabase('loadgen-support');
    dbs.push(supportDb);

    const kafkaBrokers = infraEnv().kafkaBrokers.join(',');
    const [catalog, users, support] = await Promise.all([
      spawnService({
        name: 'catalog',
        script: script('catalog'),
        env: { DATABASE_URL: catalogDb.url, KAFKA_BROKERS: kafkaBrokers, JWT_SECRET, RUN_MIGRATIONS: 'false', LOG_LEVEL: 'warn', ...extra.catalog },
      }),
      spawnService({ name: 'users', script: script('users'), env: { DATABASE_URL: usersDb.url, JWT_SECRET, LOG_LEVEL: 'warn' } }),
      spawnService({
        name: 'support',
        script: script('support'),
        env: { DATABASE_URL: supportDb.url, KAFKA_BROKERS: kafkaBrokers, JWT_SECRET, EVENTS_TOPIC: uniqueName('loadgen-support-events'), LOG_LEVEL: 'warn' },
      }),
    ]);
    started.push(catalog, users, support);
    const gateway = await spawnService({
      name: 'gateway',
      script: script('gateway'),
      env: {
        REDIS_URL: infraEnv().redisUrl,
        JWT_SECRET,
        CATALOG_URL: catalog.url,
        USERS_URL: users.url,
        SUPPORT_URL: support.url,
        ...Object.fromEntries(['INVENTORY', 'ORDERS', 'PAYMENTS', 'SHIPPING', 'NOTIFICATIONS', 'ANALYTICS'].map((s) => [`${s}_URL`, CLOSED_URL])),
        // The API budget is not what these tests exercise (one client drives hundreds of journeys);
        // the sign-up/login budget stays at its default of 20 a minute.
        RATE_LIMIT_MAX: '1000000',
        LOG_LEVEL: 'warn',
        ...extra.gateway,
      },
    });
    started.push(gateway);
    return { gateway, catalog, users, support, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A gateway alone (upstreams all closed): enough for loadgen's readiness and process tests. */
export function spawnLoneGateway(env: Record<string, string> = {}): Promise<ServiceProcess> {
  return spawnService({
    name: 'gateway',
    script: script('gateway'),
    env: {
      REDIS_URL: infraEnv().redisUrl,
      JWT_SECRET,
      ...Object.fromEntries(['USERS', 'CATALOG', 'INVENTORY', 'ORDERS', 'PAYMENTS', 'SHIPPING', 'NOTIFICATIONS', 'SUPPORT', 'ANALYTICS'].map((s) => [`${s}_URL`, CLOSED_URL])),
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
}

/** A loopback address of its own (127.x.y.z): the gateway's rate limit sees a client no other test shares. */
export function uniqueLoopbackAddress(): string {
  const octet = () => 1 + Math.floor(Math.random() * 250);
  return `127.${octet()}.${octet()}.${octet()}`;
}

export function spawnLoadgen(env: Record<string, string>, options: { ready?: boolean } = {}): Promise<ServiceProcess> {
  return spawnService({
    name: 'loadgen',
    script: script('loadgen'),
    env,
    nodeFlags: ['--max-semi-space-size=2'],
    ...(options.ready === undefined ? {} : { ready: options.ready }),
    readyTimeoutMs: 30_000,
  });
}
