// bench catalog: GET /products/:id on real PostgreSQL, three ways in one run on one machine —
// catalog with full telemetry (OTLP tracing at 10% sampling, metrics, logs), catalog with tracing
// off, and a bare Fastify route — plus catalog with its cache off, the fair match for the bare
// route (which has no cache). Prints throughput, p99 and ratios, and catalog's idle RSS.
//
// Load comes from autocannon in this process (the server under test is a separate process);
// on a 2-core machine both compete for CPU, equally for every variant.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrateCatalog, loadSeed } from '@shopwatch/catalog';
import { buildProductionTree, createTestDatabase, freePortFor, infraEnv, spawnService, type ServiceProcess } from './support.ts';

const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-server.ts', import.meta.url));
// Catalog runs as its image runs it: the JavaScript build, with the image's Node flags
// (services/catalog/Dockerfile). BENCH_SOURCE=1 runs the TypeScript sources instead.
const FROM_SOURCE = process.env['BENCH_SOURCE'] === '1';
const BUILD = FROM_SOURCE ? ROOT : buildProductionTree(ROOT);
const CATALOG = path.join(BUILD, 'services/catalog/src', FROM_SOURCE ? 'server.ts' : 'server.js');
const NODE_FLAGS = FROM_SOURCE ? [] : ['--max-semi-space-size=2'];

interface Variant {
  name: 'telemetry_on' | 'telemetry_unsampled' | 'telemetry_off' | 'cache_off' | 'bare';
  script: string;
  flags: string[];
  env: Record<string, string>;
}

interface Result {
  rps: number;
  p99: number;
  p50: number;
  errors: number;
  idleRssMb: number;
  loadRssMb: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function startOtlpSink(): Promise<{ server: Server; url: string; spans: () => number }> {
  // Stands in for an OpenTelemetry collector: accepts OTLP/HTTP exports and counts their bytes,
  // so the exporter does its real work (serialise, batch, POST) without a collector installed.
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  const port = await freePortFor();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${port}`, spans: () => bytes };
}

async function start(variant: Variant, databaseUrl: string): Promise<ServiceProcess> {
  const env = infraEnv();
  return spawnService({
    name: variant.name,
    script: variant.script,
    nodeFlags: variant.flags,
    env: {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      RUN_MIGRATIONS: 'false',
      ...variant.env,
    },
  });
}

async function load(url: string, ids: string[], seconds: number): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/products/${ids[i++ % ids.length]}` }) }],
  });
}

async function measure(variant: Variant, databaseUrl: string, ids: string[]): Promise<Result> {
  const { child, url } = await start(variant, databaseUrl);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const idleRssMb = rssMb(child.pid!);
  await load(url, ids, 3); // warm-up: JIT, pool connections, cache
  const result = await load(url, ids, DURATION_S);
  const loadRssMb = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    idleRssMb,
    loadRssMb,
  };
}

const db = await createTestDatabase('bench-catalog');
try {
  await migrateCatalog(db.url);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await loadSeed(pool);
  const ids = (await pool.query<{ id: string }>('SELECT id FROM products ORDER BY sku')).rows.map((r) => r.id);
  await pool.end();
  const sink = await startOtlpSink();

  const variants: Variant[] = [
    { name: 'bare', script: BARE, flags: [], env: {} },
    { name: 'cache_off', script: CATALOG, flags: NODE_FLAGS, env: { CACHE_MAX_ENTRIES: '0' } },
    { name: 'telemetry_off', script: CATALOG, flags: NODE_FLAGS, env: {} },
    { name: 'telemetry_on', script: CATALOG, flags: NODE_FLAGS, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER_ARG: '0.1' } },
    // Instrumentation active but nothing sampled: separates the cost of instrumenting every
    // request from the cost of recording and exporting the sampled 10%.
    { name: 'telemetry_unsampled', script: CATALOG, flags: NODE_FLAGS, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER_ARG: '0' } },
  ];
  // BENCH_VARIANTS=telemetry_on,telemetry_off runs a subset (when iterating on one of them).
  const only = process.env['BENCH_VARIANTS']?.split(',');
  if (only) variants.splice(0, variants.length, ...variants.filter((v) => only.includes(v.name)));
  const results = new Map<Variant['name'], Result[]>();
  // Rounds interleave the variants so drift (thermal, other load) spreads over all of them.
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) {
      const result = await measure(variant, db.url, ids);
      results.set(variant.name, [...(results.get(variant.name) ?? []), result]);
      console.log(
        `round ${round + 1} ${variant.name.padEnd(14)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  errors ${result.errors}  rss idle ${result.idleRssMb.toFixed(0)} MB, loaded ${result.loadRssMb.toFixed(0)} MB`,
      );
    }
  }
  sink.server.close();
  const mean = (name: Variant['name'], key: keyof Result) => {
    const rs = results.get(name)!;
    return rs.reduce((sum, r) => sum + r[key], 0) / rs.length;
  };
  const has = (name: Variant['name']) => results.has(name);
  if (!has('telemetry_on') || !has('telemetry_off') || !has('bare') || !has('cache_off')) process.exit(0);
  const on = mean('telemetry_on', 'rps');
  const off = mean('telemetry_off', 'rps');
  const bare = mean('bare', 'rps');
  const cacheOff = mean('cache_off', 'rps');
  const errors = variants.reduce((sum, v) => sum + mean(v.name, 'errors'), 0);
  console.log(`OTLP bytes exported by the telemetry_on runs: ${sink.spans()}`);
  console.log(
    [
      'bench catalog:',
      `on_rps=${on.toFixed(0)}`,
      `off_rps=${off.toFixed(0)}`,
      `cache_off_rps=${cacheOff.toFixed(0)}`,
      `bare_rps=${bare.toFixed(0)}`,
      `on_off_ratio=${(on / off).toFixed(3)}`,
      ...(has('telemetry_unsampled') ? [`unsampled_off_ratio=${(mean('telemetry_unsampled', 'rps') / off).toFixed(3)}`] : []),
      `cache_off_bare_ratio=${(cacheOff / bare).toFixed(3)}`,
      `on_p99_ms=${mean('telemetry_on', 'p99').toFixed(1)}`,
      `off_p99_ms=${mean('telemetry_off', 'p99').toFixed(1)}`,
      `bare_p99_ms=${mean('bare', 'p99').toFixed(1)}`,
      `idle_rss_on_mb=${mean('telemetry_on', 'idleRssMb').toFixed(0)}`,
      `idle_rss_off_mb=${mean('telemetry_off', 'idleRssMb').toFixed(0)}`,
      `errors=${errors}`,
      `connections=${CONNECTIONS}`,
      `duration_s=${DURATION_S}`,
      `rounds=${ROUNDS}`,
      `build=${FROM_SOURCE ? 'source' : 'js'}`,
    ].join(' '),
  );
} finally {
  await db.drop();
  if (!FROM_SOURCE) rmSync(BUILD, { recursive: true, force: true });
}
