// The drills' hands on the dev shop (`make dev-up`): readiness of every service, faults files
// (through scripts/dev/drill-service.sh, which restarts a service once if it was started without
// one), stopping and starting one service, steering loadgen, and the admin calls a drill needs.
// Every read is retried with waitFor: a service may still be settling after the previous drill.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { issueToken } from '@shopwatch/platform';
import { queryPrometheus, repoRoot, waitFor } from '@shopwatch/testkit';

const run = promisify(execFile);

export interface DevService {
  name: string;
  port: number;
}

/** Every service `make dev-up` starts, from the same table it reads. */
export function devServices(): DevService[] {
  return readFileSync(path.join(repoRoot(), 'scripts', 'dev', 'services.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [name, port] = line.split('\t');
      return { name: name as string, port: Number(port) };
    });
}

export function serviceUrl(name: string): string {
  const service = devServices().find((s) => s.name === name);
  if (!service) throw new Error(`${name} is not a dev service`);
  return `http://127.0.0.1:${service.port}`;
}

async function ready(service: DevService): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${service.port}/readyz`, { signal: AbortSignal.timeout(3_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Every service answers /readyz 200 and Prometheus scrapes every one of them (`up` = 1 for each
 * service), so no drill starts, or ends, while something is still restarting.
 */
export async function waitShopHealthy(timeoutMs = 120_000): Promise<void> {
  const services = devServices();
  await waitFor(
    'every dev service ready (/readyz 200)',
    async () => {
      const states = await Promise.all(services.map(async (s) => [s.name, await ready(s)] as const));
      const notReady = states.filter(([, ok]) => !ok).map(([name]) => name);
      if (notReady.length > 0) throw new Error(`not ready: ${notReady.join(', ')}`);
      return true;
    },
    { timeoutMs, intervalMs: 1_000 },
  );
  await waitFor(
    'Prometheus scrapes every dev service (up == 1)',
    async () => {
      const up = await queryPrometheus('up{namespace="local",job="services"} == 1');
      const scraped = new Set(up.map((s) => s.metric['service']));
      const missing = services.map((s) => s.name).filter((name) => !scraped.has(name));
      if (missing.length > 0) throw new Error(`not up in Prometheus: ${missing.join(', ')}`);
      return true;
    },
    { timeoutMs, intervalMs: 1_000 },
  );
}

async function drillService(verb: 'stop' | 'start' | 'faults', name: string): Promise<string> {
  const script = path.join(repoRoot(), 'scripts', 'dev', 'drill-service.sh');
  const { stdout } = await run(script, [verb, name], { timeout: 120_000 });
  return stdout.trim();
}

export const stopService = (name: string): Promise<string> => drillService('stop', name);
export const startService = (name: string): Promise<string> => drillService('start', name);

const faultsFiles = new Map<string, string>();

/** Makes sure `name` reads a faults file (restarting it once if it has none); returns its path. */
export async function prepareFaults(name: string): Promise<string> {
  let file = faultsFiles.get(name);
  if (!file) {
    file = (await drillService('faults', name)).split('\n').at(-1);
    if (!file) throw new Error(`scripts/dev/drill-service.sh faults ${name} named no file`);
    faultsFiles.set(name, file);
  }
  return file;
}

/** Replaces the service's faults file (atomically: the service never reads half a file). */
export async function setFaults(name: string, faults: object): Promise<void> {
  const file = await prepareFaults(name);
  // dev-up names every service's file without creating it (absent = no faults).
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, `${JSON.stringify(faults)}\n`);
  await rename(`${file}.tmp`, file);
}

export const clearFaults = (name: string): Promise<void> => setFaults(name, {});

// ----------------------------------------------------------------- loadgen

export interface LoadgenSettings {
  rate: number;
  mix: Record<string, number>;
}

async function loadgenControl(method: 'GET' | 'PUT', body?: object): Promise<LoadgenSettings> {
  return waitFor(`loadgen ${method} /control`, async () => {
    const response = await fetch(`${serviceUrl('loadgen')}/control`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status !== 200) throw new Error(`loadgen answered ${response.status}: ${await response.text()}`);
    const state = (await response.json()) as LoadgenSettings;
    return { rate: state.rate, mix: state.mix };
  }, { timeoutMs: 30_000, intervalMs: 500 });
}

export const loadgenSettings = (): Promise<LoadgenSettings> => loadgenControl('GET');
export const steerLoadgen = (settings: Partial<LoadgenSettings>): Promise<LoadgenSettings> => loadgenControl('PUT', settings);

// ----------------------------------------------------------------- admin calls

function devSecret(): string {
  const text = readFileSync(path.join(repoRoot(), '.local', 'dev.env'), 'utf8');
  const secret = /^JWT_SECRET=(.+)$/m.exec(text)?.[1];
  if (!secret) throw new Error('.local/dev.env has no JWT_SECRET (run make dev-up)');
  return secret.trim();
}

let adminToken: string | undefined;
async function admin(): Promise<string> {
  adminToken ??= await issueToken({ secret: devSecret() }, { subject: '00000000-0000-4000-8000-00000000d811', role: 'admin' }, 3_600);
  return adminToken;
}

/** A JSON call to one service, retried until it answers one of `expected`. */
export async function call<T>(service: string, method: string, route: string, expected: number[], body?: object): Promise<T> {
  const token = method === 'GET' ? undefined : await admin();
  return waitFor(`${service} ${method} ${route} answers ${expected.join('/')}`, async () => {
    const response = await fetch(`${serviceUrl(service)}${route}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    if (!expected.includes(response.status)) throw new Error(`answered ${response.status}: ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }, { timeoutMs: 60_000, intervalMs: 1_000 });
}

/**
 * One request to the gateway from a loopback address of our own (its own rate-limit budget,
 * apart from loadgen's 127.0.0.2 and a developer's 127.0.0.1); resolves to the status code.
 */
export function gatewayRequestFrom(localAddress: string, method: string, route: string, body: object): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${serviceUrl('gateway')}${route}`,
      { method, localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }, timeout: 5_000 },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}
