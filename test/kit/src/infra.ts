// Helpers for integration tests against the local infrastructure that scripts/infra starts
// (`make infra-up`): where it is, a fresh database per test file, stopping and starting a
// program to test outages, and instant queries against Prometheus.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export type InfraProgram = 'postgres' | 'redis' | 'kafka' | 'prometheus';

export interface InfraEnv {
  /** postgres://shopwatch:shopwatch@127.0.0.1:55432/shopwatch — the role may create databases. */
  databaseUrl: string;
  /** Comma-separated host:port list. */
  kafkaBrokers: string[];
  redisUrl: string;
  prometheusUrl: string;
  /** Directory whose *.json files (Prometheus file_sd format) Prometheus scrapes. */
  prometheusTargetsDir: string;
}

/** The repository root: SHOPWATCH_ROOT (set by the Makefile) or found relative to this file. */
export function repoRoot(): string {
  return process.env['SHOPWATCH_ROOT'] ?? path.resolve(import.meta.dirname, '../../..');
}

// `make test-integration` exports .local/infra.env through scripts/with-env.sh; a bare
// `npx vitest run file` does not, so fall back to reading the file the scripts wrote.
function envFile(): Record<string, string> {
  const file = path.join(repoRoot(), '.local', 'infra.env');
  if (!existsSync(file)) return {};
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

/** Where the local infrastructure listens. Throws if `make infra-up` has not run. */
export function infraEnv(): InfraEnv {
  const fromFile = envFile();
  const get = (name: string): string => {
    const value = process.env[name] ?? fromFile[name];
    if (!value) throw new Error(`run make infra-up (missing ${name})`);
    return value;
  };
  return {
    databaseUrl: get('DATABASE_URL'),
    kafkaBrokers: get('KAFKA_BROKERS').split(',').map((b) => b.trim()).filter(Boolean),
    redisUrl: get('REDIS_URL'),
    // Read when used: the containers mode (SHOPWATCH_TEST_INFRA=containers) starts no Prometheus,
    // and the tests it runs never ask for one.
    get prometheusUrl() {
      return get('PROMETHEUS_URL').replace(/\/+$/, '');
    },
    get prometheusTargetsDir() {
      return get('PROMETHEUS_TARGETS_DIR');
    },
  };
}

export interface TestDatabase {
  /** Connection string for the new database (same role and server as DATABASE_URL). */
  url: string;
  name: string;
  /** Terminates every connection to the database, then drops it. Safe to call twice. */
  drop(): Promise<void>;
}

/** Start of the comment on every test database; scripts/infra/ctl.sh matches it. */
export const TEST_DATABASE_MARKER = 'shopwatch test database, created ';

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function withAdminClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'shopwatch-testkit' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database owned by the `shopwatch` role, so a test file can migrate and
 * fill it without seeing anyone else's rows. Name: `<prefix>_<unique suffix>` (max 63 chars).
 */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const { databaseUrl } = infraEnv();
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 30) || 'test';
  const suffix = `${process.pid.toString(36)}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const name = `${safePrefix}_${suffix}`.slice(0, 63);
  await withAdminClient(databaseUrl, async (client) => {
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    // The marker lets `make infra-up` drop databases that crashed test runs left behind.
    await client.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS '${TEST_DATABASE_MARKER}${new Date().toISOString()}'`);
  });
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // WITH (FORCE) ends the sessions a failed test left open. An autovacuum worker on the database
    // can still make one attempt fail (only a superuser may end it; it leaves by itself within
    // seconds), so a refused drop is tried again for up to 30 s.
    drop: async () => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await withAdminClient(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
          return;
        } catch (error) {
          if (!isRetryableDropError(error) || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    },
  };
}

/** 42501: may not end a superuser's (autovacuum) session; 55006: the database is still in use. */
function isRetryableDropError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '42501' || code === '55006';
}

async function ctl(command: 'start' | 'stop' | 'status', program: InfraProgram): Promise<string> {
  const script = path.join(repoRoot(), 'scripts', 'infra', 'ctl.sh');
  try {
    const { stdout } = await run(script, [command, program], { timeout: 300_000 });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`scripts/infra/ctl.sh ${command} ${program} failed: ${failure.stderr || failure.message}`, {
      cause: error,
    });
  }
}

/** Stops one local program and resolves once its process has exited (to test outages). */
export async function stopInfra(program: InfraProgram): Promise<void> {
  await ctl('stop', program);
}

/** Starts one local program (no-op if healthy) and resolves once it is healthy again. */
export async function startInfra(program: InfraProgram): Promise<void> {
  await ctl('start', program);
}

/** True when the program answers its health check (same check `make infra-up` waits for). */
export async function infraHealthy(program: InfraProgram): Promise<boolean> {
  try {
    await ctl('status', program);
    return true;
  } catch {
    return false;
  }
}

export interface PrometheusSample {
  metric: Record<string, string>;
  /** Sample value (NaN and ±Inf as Prometheus reports them). */
  value: number;
  /** Evaluation time in seconds since the epoch. */
  timestamp: number;
}

interface PrometheusQueryResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** Evaluates an instant PromQL query and returns its vector (empty when nothing matches). */
export async function queryPrometheus(promql: string): Promise<PrometheusSample[]> {
  const url = new URL('/api/v1/query', infraEnv().prometheusUrl);
  url.searchParams.set('query', promql);
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as PrometheusQueryResponse;
  if (body.status !== 'success' || !body.data) {
    throw new Error(`prometheus query ${promql} failed (${response.status}): ${body.error ?? 'no data'}`);
  }
  if (body.data.resultType !== 'vector') {
    throw new Error(`prometheus query ${promql} returned a ${body.data.resultType}, expected an instant vector`);
  }
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]), timestamp: r.value[0] }));
}
