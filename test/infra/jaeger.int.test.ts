// Jaeger through scripts/infra/ctl.sh, as `make infra-up` runs it: starts and turns healthy, takes an
// OTLP/HTTP export, returns the span from its query API, and stops. A throwaway copy (its own state
// directory and ports, SHOPWATCH_LOCAL and SHOPWATCH_JAEGER_*_PORT) so stopping it cannot pull the
// shared Jaeger from under a test that is reading traces from it at the same time.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { repoRoot, waitFor } from '@shopwatch/testkit';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);

/** A trace as Jaeger's JSON query API returns it (the parts checked here). */
interface QueriedTrace {
  spans: { traceID: string; spanID: string; operationName: string; processID: string; tags: { key: string; type: string; value: unknown }[] }[];
  processes: Record<string, { serviceName: string }>;
}

const local = mkdtempSync(path.join(tmpdir(), 'shopwatch-jaeger-test-'));
// SHOPWATCH_LOCAL from the start: no ctl.sh call here may ever reach the shared Jaeger.
let env: Record<string, string> = { SHOPWATCH_LOCAL: local };
let otlpUrl = '';
let queryUrl = '';

/** Runs ctl.sh against the throwaway copy; resolves to its exit code and output (never rejects on a code). */
async function ctl(...args: string[]): Promise<{ code: number; stdout: string }> {
  const script = path.join(repoRoot(), 'scripts', 'infra', 'ctl.sh');
  try {
    const { stdout } = await run(script, args, { env: { ...process.env, ...env }, timeout: 600_000 });
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw error;
    return { code: failure.code, stdout: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

/**
 * Settings for the copy on four consecutive loopback ports from a random base below the kernel's
 * ephemeral range (32768+), so no outgoing connection takes one meanwhile.
 */
function throwawayCopy(): void {
  const base = 20_000 + Math.floor(Math.random() * 11_996);
  env = {
    SHOPWATCH_LOCAL: local,
    SHOPWATCH_JAEGER_OTLP_GRPC_PORT: String(base),
    SHOPWATCH_JAEGER_OTLP_HTTP_PORT: String(base + 1),
    SHOPWATCH_JAEGER_QUERY_PORT: String(base + 2),
    SHOPWATCH_JAEGER_QUERY_GRPC_PORT: String(base + 3),
  };
  otlpUrl = `http://127.0.0.1:${base + 1}`;
  queryUrl = `http://127.0.0.1:${base + 2}`;
}

afterAll(async () => {
  // Whatever a failed test left behind: stop returns once the process has exited.
  await ctl('stop', 'jaeger');
  rmSync(local, { recursive: true, force: true });
}, 120_000);

it('starts healthy on loopback with its config rendered from the template', async () => {
  // ctl.sh refuses a port something else listens on; then another block is tried.
  let started = { code: -1, stdout: '' };
  for (let attempt = 0; attempt < 5 && started.code !== 0; attempt += 1) {
    throwawayCopy();
    started = await ctl('start', 'jaeger');
    if (started.code !== 0 && !started.stdout.includes('is taken by another process')) break;
  }
  expect(started.code, started.stdout).toBe(0);
  expect(started.stdout).toMatch(/jaeger healthy on 127\.0\.0\.1:\d+/);
  const status = await ctl('status', 'jaeger');
  expect(status.code, status.stdout).toBe(0);
  expect(status.stdout).toMatch(/^jaeger\s+healthy\s+pid \d+/m);
  const config = readFileSync(path.join(local, 'jaeger', 'config.yaml'), 'utf8');
  expect(config).not.toContain('@');
  expect(config).toContain(`endpoint: 127.0.0.1:${env['SHOPWATCH_JAEGER_OTLP_HTTP_PORT']}`);
  expect(config).toMatch(/max_traces: \d+/);
}, 660_000);

it('returns a span sent over OTLP/HTTP from its query API', async () => {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const exported = await fetch(`${otlpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'jaeger-infra-test' } }] },
          scopeSpans: [
            {
              scope: { name: 'test/infra' },
              spans: [
                {
                  traceId,
                  spanId,
                  name: 'GET /probe',
                  kind: 2,
                  startTimeUnixNano: String(now - 5_000_000n),
                  endTimeUnixNano: String(now),
                  attributes: [{ key: 'http.route', value: { stringValue: '/probe' } }],
                },
              ],
            },
          ],
        },
      ],
    }),
  });
  expect(exported.status).toBe(200);

  // Ingestion is asynchronous (the batch processor flushes every 200 ms); unknown ids are a 404.
  const body = await waitFor(
    `trace ${traceId} in the query API`,
    async () => {
      const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
      return response.status === 404 ? false : ((await response.json()) as { data: QueriedTrace[] });
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  expect(body.data).toHaveLength(1);
  const [trace] = body.data;
  expect(trace!.spans).toHaveLength(1);
  const [span] = trace!.spans;
  expect(span).toMatchObject({ traceID: traceId, spanID: spanId, operationName: 'GET /probe' });
  expect(trace!.processes[span!.processID]?.serviceName).toBe('jaeger-infra-test');
  expect(span!.tags).toEqual(expect.arrayContaining([{ key: 'http.route', type: 'string', value: '/probe' }]));
  expect(span!.tags).toEqual(expect.arrayContaining([{ key: 'span.kind', type: 'string', value: 'server' }]));

  const services = (await (await fetch(`${queryUrl}/api/services`)).json()) as { data: string[] };
  expect(services.data).toContain('jaeger-infra-test');
  // An id nobody sent is a 404, not an empty 200 (test/e2e/trace.int.test.ts relies on it).
  expect((await fetch(`${queryUrl}/api/traces/${randomBytes(16).toString('hex')}`)).status).toBe(404);
}, 60_000);

it('serves only a placeholder page at / (the Go module carries no UI assets)', async () => {
  const page = await fetch(`${queryUrl}/`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html.toLowerCase()).toContain('placeholder');
});

it('stops; status then says stopped, and `status all` does not fail for Jaeger alone', async () => {
  const stopped = await ctl('stop', 'jaeger');
  expect(stopped.code, stopped.stdout).toBe(0);
  expect(existsSync(path.join(local, 'run', 'jaeger.pid'))).toBe(false);
  await expect(fetch(`${queryUrl}/api/services`)).rejects.toThrow();

  const one = await ctl('status', 'jaeger');
  expect(one.code).toBe(3);
  expect(one.stdout).toMatch(/^jaeger\s+stopped/m);

  // `status all` (the required programs are the shared ones on their usual ports): its verdict
  // follows the required programs only; Jaeger is listed as stopped.
  const all = await ctl('status');
  const lines = all.stdout.trim().split('\n');
  expect(lines.find((line) => line.startsWith('jaeger'))).toMatch(/^jaeger\s+stopped/);
  const required = lines.filter((line) => !line.startsWith('jaeger'));
  expect(required.map((line) => line.split(/\s+/)[0])).toEqual(['postgres', 'redis', 'kafka', 'prometheus']);
  expect(all.code).toBe(required.every((line) => /^\S+\s+healthy\s/.test(line)) ? 0 : 3);
}, 120_000);
