// bench rss: resident memory of every service process, as its image runs it (the JavaScript
// build, `node --max-semi-space-size=2`) with telemetry on (traces exported over OTLP to a local
// receiver, 10% sampled; metrics and logs as always):
//   idle       — 10 s after the service answered /readyz (BENCH_IDLE_S);
//   after load — right after a short bounded load through the gateway: BENCH_LOAD_REQUESTS (200)
//                GETs per routed service, spread over its documented GET routes (admin token,
//                8 at a time); services the gateway does not route get the same load directly;
//   peak       — the highest RSS sampled (every 250 ms) while the load ran.
// The services are the ones `make dev` starts (scripts/dev/services.tsv; the storefront with a
// fresh web build, loaded with its pages through the gateway's `/`), each on a fresh
// database, with run-unique Kafka topics and consumer groups so nothing it produces reaches
// anyone else. Prints a table and `bench rss: max_idle_mb=… over_target=…` (target: idle ≤ 120 MB).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadSeed, migrateCatalog } from '@shopwatch/catalog';
import { issueToken } from '@shopwatch/platform';
import { createTestDatabase, exampleFor, freePort, infraEnv, uniqueName, waitFor, type JsonSchema, type TestDatabase } from '@shopwatch/testkit';
import { buildProductionTree } from '../catalog/support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const IDLE_S = Number(process.env['BENCH_IDLE_S'] ?? 10);
const LOAD_REQUESTS = Number(process.env['BENCH_LOAD_REQUESTS'] ?? 200);
const TARGET_MB = 120;
const NODE_FLAGS = ['--max-semi-space-size=2'];
const JWT_SECRET = 'bench-rss-secret-that-is-at-least-32-characters';
/** Services that keep no database (everything else gets a fresh one). */
const WITHOUT_DATABASE = new Set(['gateway', 'loadgen', 'storefront']);
/** Kafka domains whose topics every service may name (`<DOMAIN>_COMMANDS_TOPIC`, `<DOMAIN>_EVENTS_TOPIC`). */
const DOMAINS = ['catalog', 'users', 'inventory', 'orders', 'payments', 'shipping', 'notifications', 'support', 'analytics'];

/** `make dev`'s services (name, port) that have an entry point. */
function devServices(): string[] {
  return readFileSync(path.join(ROOT, 'scripts/dev/services.tsv'), 'utf8')
    .split('\n')
    .map((line) => line.split('\t')[0]?.trim() ?? '')
    .filter((name) => name && !name.startsWith('#') && existsSync(path.join(ROOT, 'services', name, 'src/server.ts')));
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

interface Running {
  name: string;
  url: string;
  child: ChildProcess;
  output: () => string;
  idleMb?: number;
  loadMb?: number;
  peakMb?: number;
  requests?: number;
  failed?: number;
}

function start(name: string, script: string, port: number, env: Record<string, string>): Running {
  let output = '';
  const child = spawn(process.execPath, [...NODE_FLAGS, script], {
    env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  return { name, url: `http://127.0.0.1:${port}`, child, output: () => output };
}

/** GET URLs (path parameters filled with schema examples) of a service's documented GET routes. */
async function getUrls(service: Running): Promise<string[]> {
  const response = await fetch(`${service.url}/openapi.json`);
  if (!response.ok) return [];
  const document = (await response.json()) as { paths?: Record<string, { get?: { parameters?: Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }> } }> };
  const urls: string[] = [];
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    const op = item.get;
    if (!op) continue;
    const params = op.parameters ?? [];
    const value = (schema: JsonSchema | undefined) => {
      const example = exampleFor(schema ?? {});
      return encodeURIComponent(typeof example === 'string' ? example : JSON.stringify(example));
    };
    const filled = template.replace(/\{([^}]+)\}/g, (_m, name: string) => value(params.find((p) => p.in === 'path' && p.name === name)?.schema));
    const query = params.filter((p) => p.in === 'query' && p.required).map((p) => `${encodeURIComponent(p.name)}=${value(p.schema)}`);
    // Streams (server-sent events) never end: not part of a bounded load.
    if (/stream|events$/.test(template)) continue;
    urls.push(query.length ? `${filled}?${query.join('&')}` : filled);
  }
  return urls;
}

async function loadService(target: Running, base: string, urls: string[], token: string): Promise<void> {
  let next = 0;
  let failed = 0;
  let peak = rssMb(target.child.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(target.child.pid))), 250);
  const worker = async () => {
    while (next < LOAD_REQUESTS) {
      const url = urls[next++ % urls.length];
      try {
        const response = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.status >= 500) failed++;
      } catch {
        failed++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    clearInterval(sampler);
  }
  target.loadMb = rssMb(target.child.pid);
  target.peakMb = Math.max(peak, target.loadMb);
  target.requests = LOAD_REQUESTS;
  target.failed = failed;
}

/** An OTLP/HTTP sink: accepts every export (protobuf, as the services send by default) and counts them. */
async function startSink(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, received: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const names = devServices();
const build = buildProductionTree(ROOT, names);
// The storefront serves a Vite build of its web app (its image builds it in a stage of its own).
const storefrontDist = path.join(build, 'storefront-dist');
if (names.includes('storefront')) execFileSync(process.execPath, [path.join(ROOT, 'services/storefront/src/build.ts'), storefrontDist], { stdio: 'ignore' });
const databases: TestDatabase[] = [];
const running: Running[] = [];
const receiver = await startSink();
try {
  const infra = infraEnv();
  const run = uniqueName('bench-rss');
  const ports: Record<string, number> = {};
  for (const n of names) {
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    ports[n] = port;
  }
  const shared: Record<string, string> = {
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    REDIS_URL: infra.redisUrl,
    JWT_SECRET,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_TRACES_SAMPLER_ARG: '0.1',
    RATE_LIMIT_MAX: '1000000',
    // Own counters: the load must not count against any other gateway sharing this Redis.
    RATE_LIMIT_KEY_PREFIX: `${run}-rl:`,
    LOADGEN_PAUSED: 'true',
    CATALOG_VIEWS_TOPIC: `${run}.catalog.views`,
  };
  for (const n of names) shared[`${n.toUpperCase()}_URL`] = `http://127.0.0.1:${ports[n]}`;
  shared['GATEWAY_URL'] = `http://127.0.0.1:${ports['gateway']}`;
  for (const domain of DOMAINS) {
    shared[`${domain.toUpperCase()}_COMMANDS_TOPIC`] = `${run}.${domain}.commands`;
    shared[`${domain.toUpperCase()}_EVENTS_TOPIC`] = `${run}.${domain}.events`;
  }
  for (const name of names) {
    const env: Record<string, string> = {
      ...shared,
      COMMANDS_TOPIC: `${run}.${name}.commands`,
      EVENTS_TOPIC: `${run}.${name}.events`,
      CONSUMER_GROUP: `${run}-${name}`,
      DIST_DIR: storefrontDist,
    };
    if (!WITHOUT_DATABASE.has(name)) {
      const db = await createTestDatabase(`bench-rss-${name}`);
      databases.push(db);
      env['DATABASE_URL'] = db.url;
      if (name === 'catalog') {
        // The demo catalogue, so reads return products.
        await migrateCatalog(db.url);
        const pool = new pg.Pool({ connectionString: db.url, max: 2 });
        await loadSeed(pool);
        await pool.end();
      }
    }
    const script = existsSync(path.join(build, 'services', name, 'src/server.js')) ? path.join(build, 'services', name, 'src/server.js') : path.join(ROOT, 'services', name, 'src/server.ts');
    running.push(start(name, script, ports[name] ?? 0, env));
  }
  await Promise.all(
    running.map((s) =>
      waitFor(
        `${s.name} ready`,
        async () => {
          if (s.child.exitCode !== null) throw new Error(`${s.name} exited with ${s.child.exitCode}: ${s.output().slice(-2000)}`);
          return (await fetch(`${s.url}/readyz`).catch(() => undefined))?.ok ?? false;
        },
        { timeoutMs: 180_000, intervalMs: 250 },
      ),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
  for (const s of running) s.idleMb = rssMb(s.child.pid);

  const token = await issueToken({ secret: JWT_SECRET }, { subject: '00000000-0000-4000-8000-0000000000be', role: 'admin' });
  const gatewayUrl = shared['GATEWAY_URL'] ?? '';
  const routed = new Set(Object.keys(((await (await fetch(`${gatewayUrl}/api/openapi.json`)).json()) as { 'x-shopwatch-services'?: unknown; paths?: Record<string, unknown> }).paths ?? {}).map((p) => p.split('/')[2] ?? ''));
  const gateway = running.find((s) => s.name === 'gateway');
  let gatewayPeak = 0;
  const gatewaySampler = setInterval(() => (gatewayPeak = Math.max(gatewayPeak, rssMb(gateway?.child.pid))), 250);
  let gatewayRequests = 0;
  for (const s of running) {
    if (s.name === 'gateway' || s.name === 'loadgen') continue;
    // The shop's pages come through the gateway's `/` (the SPA answers every page path with index.html).
    const urls = s.name === 'storefront' ? ['/', '/index.html', '/products', '/cart'] : await getUrls(s);
    if (urls.length === 0) continue;
    const viaGateway = routed.has(s.name) || s.name === 'storefront';
    await loadService(s, s.name === 'storefront' ? gatewayUrl : viaGateway ? `${gatewayUrl}/api/${s.name}` : s.url, urls, token);
    if (viaGateway) gatewayRequests += LOAD_REQUESTS;
  }
  clearInterval(gatewaySampler);
  if (gateway) {
    gateway.loadMb = rssMb(gateway.child.pid);
    gateway.peakMb = Math.max(gatewayPeak, gateway.loadMb);
    gateway.requests = gatewayRequests;
  }

  const fmt = (mb: number | undefined) => (mb === undefined ? '—' : mb.toFixed(0));
  console.log('| service | idle RSS (MB) | after load (MB) | peak under load (MB) | load requests | idle ≤ 120 MB |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const s of running) {
    const via = s.name === 'gateway' ? ' (all proxied)' : routed.has(s.name) || s.name === 'storefront' ? ' via gateway' : s.requests ? ' direct' : '';
    console.log(`| ${s.name} | ${fmt(s.idleMb)} | ${fmt(s.loadMb)} | ${fmt(s.peakMb)} | ${s.requests ?? 0}${via}${s.failed ? `, ${s.failed} failed` : ''} | ${(s.idleMb ?? 0) <= TARGET_MB ? 'yes' : '**no**'} |`);
  }
  const idle = running.map((s) => s.idleMb ?? 0);
  const over = running.filter((s) => (s.idleMb ?? 0) > TARGET_MB).map((s) => s.name);
  console.log(
    [
      'bench rss:',
      `services=${running.length}`,
      `max_idle_mb=${Math.max(...idle).toFixed(0)}`,
      `max_idle_service=${running[idle.indexOf(Math.max(...idle))]?.name ?? '-'}`,
      `mean_idle_mb=${(idle.reduce((a, b) => a + b, 0) / Math.max(1, idle.length)).toFixed(0)}`,
      `max_load_mb=${Math.max(...running.map((s) => s.peakMb ?? s.idleMb ?? 0)).toFixed(0)}`,
      `over_target=${over.length}${over.length ? `(${over.join(',')})` : ''}`,
      `target_mb=${TARGET_MB}`,
      `otlp_exports=${receiver.received()}`,
    ].join(' '),
  );
} finally {
  await Promise.all(
    running.map(async (s) => {
      if (s.child.exitCode !== null) return;
      const exited = new Promise((resolve) => s.child.once('exit', resolve));
      s.child.kill('SIGTERM');
      await exited;
    }),
  );
  await receiver.close();
  for (const db of databases) await db.drop();
  rmSync(build, { recursive: true, force: true });
}
