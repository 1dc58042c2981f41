// bench gateway: GET /products/:id through the gateway vs straight to catalog, in one run:
//   1. saturation — 32 connections for BENCH_DURATION_S: throughput and p99 of each path;
//   2. fixed rate — 1,000 req/s offered for BENCH_DURATION_S: p99 of each path and the p99 the
//      gateway adds (target ≤ 5 ms), throughput ratio target ≥ 0.6.
// Both services run as their images run them (JavaScript build, image Node flags); the gateway
// keeps its Redis-backed rate limit on (with a limit high enough not to refuse), so the Redis
// round trip per request is part of what is measured. Ends with `bench gateway: key=value ...`.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadSeed, migrateCatalog } from '@shopwatch/catalog';
import { buildProductionTree, createTestDatabase, infraEnv, spawnService, type ServiceProcess } from '../catalog/support.ts';

const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_FLAGS = ['--max-semi-space-size=2'];
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

async function start(name: string, script: string, env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({ name, script, nodeFlags: NODE_FLAGS, env: { LOG_LEVEL: 'warn', JWT_SECRET: SECRET, ...env } });
}

async function load(base: string, prefix: string, ids: string[], options: { connections: number; rate?: number; seconds: number }) {
  let i = 0;
  const result = await autocannon({
    url: base,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `${prefix}/products/${ids[i++ % ids.length]}` }) }],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

const build = buildProductionTree(ROOT, ['catalog', 'users', 'gateway']);
const db = await createTestDatabase('bench-gateway');
const children: ChildProcess[] = [];
try {
  await migrateCatalog(db.url);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await loadSeed(pool);
  const ids = (await pool.query<{ id: string }>('SELECT id FROM products ORDER BY sku')).rows.map((r) => r.id);
  await pool.end();
  const env = infraEnv();
  const catalog = await start('catalog', path.join(build, 'services/catalog/src/server.js'), {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: env.kafkaBrokers.join(','),
    RUN_MIGRATIONS: 'false',
  });
  children.push(catalog.child);
  const gateway = await start('gateway', path.join(build, 'services/gateway/src/server.js'), {
    REDIS_URL: env.redisUrl,
    CATALOG_URL: catalog.url,
    RATE_LIMIT_MAX: '1000000',
  });
  children.push(gateway.child);

  await load(catalog.url, '', ids, { connections: 16, seconds: 3 });
  await load(gateway.url, '/api/catalog', ids, { connections: 16, seconds: 3 });
  const directMax = await load(catalog.url, '', ids, { connections: 32, seconds: DURATION_S });
  const gatewayMax = await load(gateway.url, '/api/catalog', ids, { connections: 32, seconds: DURATION_S });
  const directRate = await load(catalog.url, '', ids, { connections: 32, rate: RATE, seconds: DURATION_S });
  const gatewayRate = await load(gateway.url, '/api/catalog', ids, { connections: 32, rate: RATE, seconds: DURATION_S });
  for (const [name, r] of Object.entries({ directMax, gatewayMax, directRate, gatewayRate })) {
    console.log(`${name.padEnd(12)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}`);
  }
  console.log(
    [
      'bench gateway:',
      `direct_rps=${directMax.rps.toFixed(0)}`,
      `gateway_rps=${gatewayMax.rps.toFixed(0)}`,
      `throughput_ratio=${(gatewayMax.rps / directMax.rps).toFixed(3)}`,
      `direct_p99_ms=${directMax.p99}`,
      `gateway_p99_ms=${gatewayMax.p99}`,
      `rate=${RATE}`,
      `direct_p99_at_rate_ms=${directRate.p99}`,
      `gateway_p99_at_rate_ms=${gatewayRate.p99}`,
      `added_p50_at_rate_ms=${gatewayRate.p50 - directRate.p50}`,
      `added_p99_at_rate_ms=${gatewayRate.p99 - directRate.p99}`,
      `errors=${directMax.errors + gatewayMax.errors + directRate.errors + gatewayRate.errors}`,
      `duration_s=${DURATION_S}`,
    ].join(' '),
  );
} finally {
  // Children exit (closing their pools) before the database they use is dropped.
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }),
  );
  await db.drop();
  rmSync(build, { recursive: true, force: true });
}
