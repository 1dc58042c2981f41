// The gateway in front of real services: a catalog app (seeded, with run-time faults the test can
// change) and a users app, each on its own fresh PostgreSQL database and a real loopback port,
// and real Redis for the rate limit. Every other upstream points at a closed port.
import { Writable } from 'node:stream';
import type { ShopEvent } from '@shopwatch/contracts';
import { buildCatalogApp, loadSeed, migrateCatalog } from '@shopwatch/catalog';
import { createLogger, createPool, enqueue, issueToken, type App, type HttpFaults, type Pool, type PoolClient } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, uniqueName, type TestDatabase } from '@shopwatch/testkit';
import { buildUsersApp, migrateUsers } from '@shopwatch/users';
import type { Redis } from 'ioredis';
import { buildGatewayApp, type GatewayDeps } from '../../src/app.ts';
import { resolveUpstreams, SERVICES, urlVariable } from '../../src/domain/upstreams.ts';
import { createRedis } from '../../src/plugins/redis.ts';

export const JWT = { secret: 'gateway-test-secret-with-at-least-32-chars' };
/** Nothing listens on port 1 of the loopback interface: connecting is refused at once. */
export const CLOSED_URL = 'http://127.0.0.1:1';

async function listen(app: App): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

export interface Shop {
  catalog: { app: App; url: string; pool: Pool; faults: HttpFaults };
  users: { app: App; url: string; pool: Pool; logs: () => string };
  redis: Redis;
  /** Redis key prefix of this shop's rate-limit counters. */
  keyPrefix: string;
  adminToken: string;
  customerToken: string;
  /** A gateway in front of this shop (several may share Redis, like replicas). */
  gateway(overrides?: Partial<Omit<GatewayDeps, 'upstreams'>> & { urls?: Record<string, string> }): Promise<App>;
  close(): Promise<void>;
}

export async function startShop(): Promise<Shop> {
  const dbs: TestDatabase[] = [];
  const catalogDb = await createTestDatabase('gw-catalog');
  dbs.push(catalogDb);
  await migrateCatalog(catalogDb.url);
  const catalogPool = createPool({ connectionString: catalogDb.url, max: 5 });
  await loadSeed(catalogPool);
  const faults: HttpFaults = { latencyMs: 0, errorRate: 0 };
  const catalogApp = await buildCatalogApp({
    pool: catalogPool,
    logger: createLogger({ service: 'catalog', level: 'silent' }),
    jwt: JWT,
    enqueue: async (client: PoolClient, events: ShopEvent[]) => {
      for (const event of events) await enqueue(client, event);
    },
    faults: { current: () => ({ http: faults }) },
    viewFlushIntervalMs: 50,
  });
  const catalogUrl = await listen(catalogApp);

  const usersDb = await createTestDatabase('gw-users');
  dbs.push(usersDb);
  await migrateUsers(usersDb.url);
  const usersPool = createPool({ connectionString: usersDb.url, max: 5 });
  let usersLogs = '';
  const usersApp = await buildUsersApp({
    pool: usersPool,
    jwt: JWT,
    logger: createLogger({
      service: 'users',
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          usersLogs += chunk.toString();
          done();
        },
      }),
    }),
  });
  const usersUrl = await listen(usersApp);

  const redis = createRedis(infraEnv().redisUrl);
  await new Promise<void>((resolve, reject) => {
    if (redis.status === 'ready') return resolve();
    redis.once('ready', () => resolve());
    redis.once('end', () => reject(new Error('redis connection ended')));
  });
  const keyPrefix = `${uniqueName('gw-test')}:`;
  const gateways: App[] = [];

  return {
    catalog: { app: catalogApp, url: catalogUrl, pool: catalogPool, faults },
    users: { app: usersApp, url: usersUrl, pool: usersPool, logs: () => usersLogs },
    redis,
    keyPrefix,
    adminToken: await issueToken(JWT, { subject: 'admin-1', role: 'admin' }),
    customerToken: await issueToken(JWT, { subject: 'customer-1', role: 'customer' }),
    async gateway(overrides = {}) {
      const { urls = {}, ...deps } = overrides;
      const env: Record<string, string> = Object.fromEntries(Object.keys(SERVICES).map((name) => [urlVariable(name), CLOSED_URL]));
      env['CATALOG_URL'] = catalogUrl;
      env['USERS_URL'] = usersUrl;
      Object.assign(env, urls);
      const app = await buildGatewayApp({
        logger: createLogger({ service: 'gateway', level: 'silent' }),
        jwt: JWT,
        redis,
        upstreams: resolveUpstreams(env),
        ...deps,
        rateLimit: { keyPrefix, ...deps.rateLimit },
      });
      await app.ready();
      gateways.push(app);
      return app;
    },
    async close() {
      for (const app of gateways) await app.close();
      await catalogApp.close();
      await catalogApp.catalogViews.close();
      await usersApp.close();
      await catalogPool.end();
      await usersPool.end();
      // This shop's rate-limit counters go with it.
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      for (const db of dbs) await db.drop();
    },
  };
}


