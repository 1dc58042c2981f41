// Bad input on every public route, generated from each service's own OpenAPI document: every
// service in services.ts runs as a real process (its src/server.ts) on a fresh database, and
// every case from generateBadRequests is sent straight to it and — for services the gateway
// routes — through the gateway. Each answer must be a 4xx problem+json (type, title, status,
// detail) or, for cases the generator marks `no-5xx`, a 2xx; never a 5xx. Afterwards the process
// must still be alive and ready. Tokens are valid (admin, or the service's role), so validation
// rather than authentication is what answers.
import { issueToken } from '@shopwatch/platform';
import { createTestDatabase, generateBadRequests, infraEnv, spawnService, type BadRequest, type ServiceProcess, type TestDatabase } from '@shopwatch/testkit';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_INPUT_SERVICES, gatewayEnv, type BadInputService, type StartContext } from './services.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const JWT_SECRET = 'badinput-secret-that-is-at-least-32-characters';
const scriptOf = (name: string) => path.join(ROOT, 'services', name, 'src', 'server.ts');

const processes = new Map<string, ServiceProcess>();
const databases: TestDatabase[] = [];
let gateway: ServiceProcess;
const tokens: Record<'admin' | 'customer', string> = { admin: '', customer: '' };

async function startService(service: BadInputService, ctx: Omit<StartContext, 'databaseUrl'>): Promise<ServiceProcess> {
  let databaseUrl = '';
  if (service.database) {
    const db = await createTestDatabase(`badinput-${service.name}`);
    databases.push(db);
    databaseUrl = db.url;
  }
  return spawnService({ name: service.name, script: scriptOf(service.name), env: { LOG_LEVEL: 'warn', ...service.env({ ...ctx, databaseUrl }) }, readyTimeoutMs: 90_000 });
}

beforeAll(async () => {
  const infra = infraEnv();
  const base = { kafkaBrokers: infra.kafkaBrokers.join(','), redisUrl: infra.redisUrl, jwtSecret: JWT_SECRET, urls: {} as Record<string, string> };
  // Services without prerequisites start together; the others once theirs are up.
  const pending = [...BAD_INPUT_SERVICES];
  while (pending.length > 0) {
    const ready = pending.filter((s) => (s.after ?? []).every((name) => processes.has(name)));
    if (ready.length === 0) throw new Error(`cannot start ${pending.map((s) => s.name).join(', ')}: prerequisites missing`);
    const started = await Promise.all(ready.map(async (s) => [s.name, await startService(s, { ...base, urls: { ...base.urls } })] as const));
    for (const [name, process] of started) {
      processes.set(name, process);
      base.urls[name] = process.url;
    }
    for (const s of ready) pending.splice(pending.indexOf(s), 1);
  }
  const routed = Object.fromEntries(BAD_INPUT_SERVICES.filter((s) => s.routed).map((s) => [s.name, processes.get(s.name)?.url ?? '']));
  gateway = await spawnService({ name: 'gateway', script: scriptOf('gateway'), env: { LOG_LEVEL: 'warn', ...gatewayEnv({ ...base, databaseUrl: '', urls: routed }) } });
  tokens.admin = await issueToken({ secret: JWT_SECRET }, { subject: '00000000-0000-4000-8000-0000000000ad', role: 'admin' });
  tokens.customer = await issueToken({ secret: JWT_SECRET }, { subject: '00000000-0000-4000-8000-0000000000c5', role: 'customer' });
}, 240_000);

afterAll(async () => {
  const all = [gateway, ...processes.values()].filter((p): p is ServiceProcess => p !== undefined);
  await Promise.all(
    all.map(async (p) => {
      if (p.child.exitCode !== null) return;
      p.child.kill('SIGTERM');
      await p.exited;
    }),
  );
  // drop() itself waits out an autovacuum worker still on the database.
  for (const db of databases) await db.drop();
}, 120_000);

interface Outcome {
  status: number;
  contentType: string;
  body: string;
}

async function send(baseUrl: string, c: BadRequest, token: string | undefined): Promise<Outcome> {
  const headers: Record<string, string> = { ...c.headers };
  if (token) headers['authorization'] = `Bearer ${token}`;
  const body = c.body !== undefined && c.method !== 'GET' && c.method !== 'HEAD' ? Buffer.from(c.body) : undefined;
  // Bytes, not a string: fetch would add a text/plain content type to a string body.
  const response = await fetch(`${baseUrl}${c.url}`, { method: c.method, headers, ...(body ? { body } : {}), redirect: 'manual' });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** What is wrong with an answer to a bad request (undefined when it is right). */
function judge(c: BadRequest, outcome: Outcome): string | undefined {
  const { status } = outcome;
  if (status >= 500) return `${status} (server error): ${outcome.body.slice(0, 300)}`;
  if (status >= 200 && status < 300) return c.expect === 'reject' ? `${status}: accepted a request that breaks the schema` : undefined;
  if (status < 400) return `${status}: neither success nor a client error`;
  if (!outcome.contentType.startsWith('application/problem+json')) return `${status} with content type ${outcome.contentType || '(none)'}`;
  if (c.method === 'HEAD') return undefined;
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(outcome.body) as Record<string, unknown>;
  } catch {
    return `${status} problem+json that is not JSON: ${outcome.body.slice(0, 200)}`;
  }
  const missing = ['type', 'title', 'status', 'detail'].filter((k) => problem[k] === undefined);
  if (missing.length) return `${status} problem without ${missing.join(', ')}`;
  if (problem['status'] !== status) return `${status} problem says status ${String(problem['status'])}`;
  return undefined;
}

async function barrage(label: string, baseUrl: string, cases: BadRequest[], tokenFor: (c: BadRequest) => string | undefined): Promise<string[]> {
  const failures: string[] = [];
  const tally = { '2xx': 0, '4xx': 0, other: 0 };
  for (const c of cases) {
    let outcome: Outcome;
    try {
      // One retry on a transport error (e.g. a keep-alive socket the server closed just as it was
      // reused): the question is what the service answers, and a second attempt still asks it.
      outcome = await send(baseUrl, c, tokenFor(c)).catch(() => send(baseUrl, c, tokenFor(c)));
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
      failures.push(`${c.name}: request failed: ${error instanceof Error ? error.message : String(error)}${cause}`);
      continue;
    }
    if (outcome.status < 300) tally['2xx']++;
    else if (outcome.status < 500) tally['4xx']++;
    else tally.other++;
    const wrong = judge(c, outcome);
    if (wrong) failures.push(`${c.name} [${c.expect}]: ${wrong}`);
  }
  const rejects = cases.filter((c) => c.expect === 'reject').length;
  console.log(`bad input ${label}: ${cases.length} cases (${rejects} must be refused, ${cases.length - rejects} may succeed) → 2xx ${tally['2xx']}, 4xx ${tally['4xx']}, other ${tally.other}; ${failures.length} wrong`);
  return failures;
}

async function expectAliveAndReady(name: string, p: ServiceProcess): Promise<void> {
  expect(p.child.exitCode, `${name} exited: ${p.output().slice(-2000)}`).toBeNull();
  const ready = await fetch(`${p.url}/readyz`);
  expect(ready.status, `${name} /readyz after the barrage: ${await ready.text()}`).toBe(200);
}

async function openApiOf(p: ServiceProcess): Promise<unknown> {
  const response = await fetch(`${p.url}/openapi.json`);
  expect(response.status).toBe(200);
  return response.json();
}

/** `x-shopwatch-access` of every operation in the gateway's aggregated document, by `METHOD /api/<service>/<path>`. */
async function gatewayAccess(): Promise<Map<string, string>> {
  const document = (await (await fetch(`${gateway.url}/api/openapi.json`)).json()) as { paths?: Record<string, Record<string, { 'x-shopwatch-access'?: string }>> };
  const access = new Map<string, string>();
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) access.set(`${method.toUpperCase()} ${template}`, op['x-shopwatch-access'] ?? 'signed-in');
  }
  return access;
}

describe('bad input generated from OpenAPI', () => {
  for (const service of BAD_INPUT_SERVICES) {
    it(`${service.name}: every case straight to the service is a 4xx problem (or an allowed 2xx), never a 5xx`, async () => {
      const p = processes.get(service.name);
      if (!p) throw new Error(`${service.name} did not start`);
      const cases = generateBadRequests(await openApiOf(p));
      expect(cases.length).toBeGreaterThan(0);
      const token = tokens[service.role ?? 'admin'];
      const failures = await barrage(`${service.name} (direct)`, p.url, cases, () => token);
      expect(failures).toEqual([]);
      await expectAliveAndReady(service.name, p);
    }, 300_000);
  }

  for (const service of BAD_INPUT_SERVICES.filter((s) => s.routed)) {
    it(`${service.name}: the same cases through the gateway (public routes without a token)`, async () => {
      const p = processes.get(service.name);
      if (!p) throw new Error(`${service.name} did not start`);
      const access = await gatewayAccess();
      const cases = generateBadRequests(await openApiOf(p));
      const token = tokens[service.role ?? 'admin'];
      const prefix = `/api/${service.name}`;
      const failures = await barrage(`${service.name} (through the gateway)`, `${gateway.url}${prefix}`, cases, (c) => {
        const [method, template] = c.operation.split(' ');
        return access.get(`${method} ${prefix}${template}`) === 'public' ? undefined : token;
      });
      expect(failures).toEqual([]);
      await expectAliveAndReady(service.name, p);
      await expectAliveAndReady('gateway', gateway);
    }, 300_000);
  }

  for (const service of BAD_INPUT_SERVICES) {
    it(`${service.name}: every route that requires a token answers 401 without one, whatever the body`, async () => {
      const p = processes.get(service.name);
      if (!p) throw new Error(`${service.name} did not start`);
      const document = (await openApiOf(p)) as { paths?: Record<string, Record<string, { security?: unknown[] }>> };
      const guarded = new Set<string>();
      for (const [template, item] of Object.entries(document.paths ?? {})) {
        for (const [method, op] of Object.entries(item)) if (op.security?.length) guarded.add(`${method.toUpperCase()} ${template}`);
      }
      const cases = generateBadRequests(document).filter((c) => guarded.has(c.operation));
      const wrong: string[] = [];
      for (const c of cases) {
        const outcome = await send(p.url, c, undefined).catch(() => send(p.url, c, undefined));
        // A URL the router cannot match to the route (malformed encoding, a segment over the
        // length limit, `..` resolving elsewhere) is refused before any route runs: nothing of the
        // route's schema can leak, so that answer is as right as the 401.
        const refusedByRouter = [400, 404, 414].includes(outcome.status) && /URL is malformed|No route for|path segment is too long/.test(outcome.body);
        if (refusedByRouter) continue;
        if (outcome.status !== 401 || !outcome.contentType.startsWith('application/problem+json')) wrong.push(`${c.name}: ${outcome.status} ${outcome.body.slice(0, 200)}`);
      }
      console.log(`unauthenticated ${service.name}: ${guarded.size} guarded operations, ${cases.length} cases, ${wrong.length} not 401`);
      // psp stands in for a third party and payments is only called by the saga: no tokens there.
      if (!['psp', 'payments'].includes(service.name)) expect(guarded.size, 'operations that declare the bearer scheme').toBeGreaterThan(0);
      expect(wrong).toEqual([]);
    }, 300_000);
  }

  it("gateway: its own routes", async () => {
    const cases = generateBadRequests(await openApiOf(gateway));
    const failures = await barrage('gateway (own routes)', gateway.url, cases, () => tokens.admin);
    expect(failures).toEqual([]);
    await expectAliveAndReady('gateway', gateway);
  }, 120_000);
});
