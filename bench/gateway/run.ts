// bench gateway: GET /products/:id through the gateway vs straight to catalog, in one run:
//   1. saturation — 32 connections for BENCH_DURATION_S, BENCH_ROUNDS rounds with the variants
//      interleaved (direct, gateway, gateway with every request counted in Redis): throughput
//      and p99 of each, and the ratio per round (target ≥ 0.6);
//   2. fixed rate — BENCH_RATE (1,000) req/s offered for BENCH_DURATION_S, direct and gateway
//      interleaved: p99 of each and the p99 the gateway adds (target ≤ 5 ms).
// Besides wall-clock numbers (noisy on a shared machine) it prints the CPU time each process spent
// per request (from /proc, user + system): that is what the gateway costs, whatever else runs.
// Both services run as their images run them (JavaScript build, image Node flags); the gateway
// keeps its Redis-backed rate limit on (with a limit high enough not to refuse). The
// `gateway_redis` variant sets RATE_LIMIT_SYNC_MS=0, the limiter's exact mode: one Redis round
// trip per request, as before local counting. Ends with `bench gateway: key=value ...`.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadSeed, migrateCatalog } from '@shopwatch/catalog';
import { uniqueName } from '@shopwatch/testkit';
import { buildProductionTree, createTestDatabase, infraEnv, spawnService, type ServiceProcess } from '../catalog/support.ts';

const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_FLAGS = ['--max-semi-space-size=2'];
/** Set to a directory to write the gateway's CPU profile there (`node --cpu-prof`), written when it exits. */
const PROFILE_DIR = process.env['BENCH_PROFILE_DIR'];
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const TICKS_PER_S = 100;

async function start(name: string, script: string, env: Record<string, string>): Promise<ServiceProcess> {
  const profile = PROFILE_DIR && name === 'gateway' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [];
  return spawnService({ name, script, nodeFlags: [...NODE_FLAGS, ...profile], env: { LOG_LEVEL: 'warn', JWT_SECRET: SECRET, ...env } });
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU µs per request of each measured process. */
  cpuUs: Record<string, number>;
}

async function load(base: string, prefix: string, ids: string[], processes: Record<string, ServiceProcess>, options: { connections: number; rate?: number; seconds: number }): Promise<Result> {
  let i = 0;
  const before = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, cpuSeconds(p.child.pid)]));
  const result = await autocannon({
    url: base,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `${prefix}/products/${ids[i++ % ids.length]}` }) }],
  });
  const total = result.requests.total || 1;
  const cpuUs = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, ((cpuSeconds(p.child.pid) - (before[name] ?? 0)) / total) * 1e6]));
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx, cpuUs };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const fmt = (r: Result) =>
  `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  cpu/req ${Object.entries(r.cpuUs)
    .map(([name, us]) => `${name} ${us.toFixed(0)} µs`)
    .join(', ')}`;

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
  // Own counters (a run-unique key prefix): the load must not count against any other gateway sharing this Redis.
  const gatewayEnv = { REDIS_URL: env.redisUrl, CATALOG_URL: catalog.url, RATE_LIMIT_MAX: '1000000', RATE_LIMIT_KEY_PREFIX: `${uniqueName('bench-gateway-rl')}:` };
  const gateway = await start('gateway', path.join(build, 'services/gateway/src/server.js'), gatewayEnv);
  children.push(gateway.child);
  const gatewayRedis = await start('gateway_redis', path.join(build, 'services/gateway/src/server.js'), { ...gatewayEnv, RATE_LIMIT_SYNC_MS: '0' });
  children.push(gatewayRedis.child);

  const viaGateway = { gateway, catalog };
  const viaGatewayRedis = { gateway: gatewayRedis, catalog };
  const direct = { catalog };
  // Warm-up: JIT, connection pools, caches.
  await load(catalog.url, '', ids, direct, { connections: 16, seconds: 3 });
  await load(gateway.url, '/api/catalog', ids, viaGateway, { connections: 16, seconds: 3 });
  await load(gatewayRedis.url, '/api/catalog', ids, viaGatewayRedis, { connections: 16, seconds: 3 });

  const rounds: Array<{ direct: Result; gateway: Result; gatewayRedis: Result }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const d = await load(catalog.url, '', ids, direct, { connections: 32, seconds: DURATION_S });
    const g = await load(gateway.url, '/api/catalog', ids, viaGateway, { connections: 32, seconds: DURATION_S });
    const r = await load(gatewayRedis.url, '/api/catalog', ids, viaGatewayRedis, { connections: 32, seconds: DURATION_S });
    rounds.push({ direct: d, gateway: g, gatewayRedis: r });
    console.log(`round ${round} saturation`);
    console.log(`  direct        ${fmt(d)}`);
    console.log(`  gateway       ${fmt(g)}  ratio ${(g.rps / d.rps).toFixed(3)}`);
    console.log(`  gateway_redis ${fmt(r)}  ratio ${(r.rps / d.rps).toFixed(3)}`);
  }
  const atRate: Array<{ direct: Result; gateway: Result }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const d = await load(catalog.url, '', ids, direct, { connections: 32, rate: RATE, seconds: DURATION_S });
    const g = await load(gateway.url, '/api/catalog', ids, viaGateway, { connections: 32, rate: RATE, seconds: DURATION_S });
    atRate.push({ direct: d, gateway: g });
    console.log(`round ${round} at ${RATE} req/s`);
    console.log(`  direct        ${fmt(d)}`);
    console.log(`  gateway       ${fmt(g)}  added p50 ${g.p50 - d.p50} ms, p99 ${g.p99 - d.p99} ms`);
  }

  const ratio = mean(rounds.map((r) => r.gateway.rps / r.direct.rps));
  const ratioRedis = mean(rounds.map((r) => r.gatewayRedis.rps / r.direct.rps));
  const errors = [...rounds.flatMap((r) => [r.direct, r.gateway, r.gatewayRedis]), ...atRate.flatMap((r) => [r.direct, r.gateway])].reduce((n, r) => n + r.errors, 0);
  console.log(
    [
      'bench gateway:',
      `direct_rps=${mean(rounds.map((r) => r.direct.rps)).toFixed(0)}`,
      `gateway_rps=${mean(rounds.map((r) => r.gateway.rps)).toFixed(0)}`,
      `throughput_ratio=${ratio.toFixed(3)}`,
      `redis_every_request_ratio=${ratioRedis.toFixed(3)}`,
      `direct_p99_ms=${mean(rounds.map((r) => r.direct.p99)).toFixed(1)}`,
      `gateway_p99_ms=${mean(rounds.map((r) => r.gateway.p99)).toFixed(1)}`,
      `gateway_cpu_us_per_req=${mean(rounds.map((r) => r.gateway.cpuUs['gateway'] ?? 0)).toFixed(0)}`,
      `gateway_redis_cpu_us_per_req=${mean(rounds.map((r) => r.gatewayRedis.cpuUs['gateway'] ?? 0)).toFixed(0)}`,
      `catalog_cpu_us_per_req=${mean(rounds.map((r) => r.direct.cpuUs['catalog'] ?? 0)).toFixed(0)}`,
      `rate=${RATE}`,
      `direct_p99_at_rate_ms=${mean(atRate.map((r) => r.direct.p99)).toFixed(1)}`,
      `gateway_p99_at_rate_ms=${mean(atRate.map((r) => r.gateway.p99)).toFixed(1)}`,
      `added_p50_at_rate_ms=${mean(atRate.map((r) => r.gateway.p50 - r.direct.p50)).toFixed(1)}`,
      `added_p99_at_rate_ms=${mean(atRate.map((r) => r.gateway.p99 - r.direct.p99)).toFixed(1)}`,
      `errors=${errors}`,
      `rounds=${ROUNDS}`,
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
