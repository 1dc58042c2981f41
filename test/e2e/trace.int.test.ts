// Traces you can open: a checkout through the real service processes, every one of them exporting
// to the local Jaeger (the one `make infra-up` runs), read back from Jaeger's query API as ONE trace
// with spans from gateway, orders, inventory, payments, psp and shipping. The Kafka hops are linked
// by parenthood (our telemetry continues the trace: a `process <topic>` CONSUMER span is the child
// of the `send <topic>` PRODUCER span whose context the message headers carry), so the trace is a
// single tree. And the gateway's latency histogram carries an exemplar that names that trace.
//
// Root sampling is 0: only the test's sampled `traceparent` records spans, so nothing else the shop
// does lands in the shared Jaeger.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SHOP_SERVICES, Shop } from './support/shop.ts';

const run = promisify(execFile);

const TRACED = ['gateway', 'orders', 'inventory', 'payments', 'psp', 'shipping'] as const;
/** The parent span id of the test's `traceparent`: the one parent the trace may lack. */
const TEST_PARENT = randomBytes(8).toString('hex');

// Jaeger's JSON query API (what its UI and Grafana's Jaeger datasource read), the parts used here.
interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

interface JaegerTag {
  key: string;
  value: unknown;
}

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: JaegerReference[];
  processID: string;
  tags: JaegerTag[];
}

interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

interface JaegerEndpoints {
  /** OTLP/HTTP base URL (what OTEL_EXPORTER_OTLP_ENDPOINT takes). */
  otlpUrl: string;
  /** Query API base URL (`/api/traces/<id>`, `/api/services`). */
  queryUrl: string;
}

/**
 * The shared Jaeger, started if it is not running (`ctl.sh start` is a no-op when healthy and builds
 * it first if setup has not), and where it listens as .local/infra.env says.
 */
async function sharedJaeger(): Promise<JaegerEndpoints> {
  await run(path.join(repoRoot(), 'scripts', 'infra', 'ctl.sh'), ['start', 'jaeger'], { timeout: 600_000 });
  const file = path.join(repoRoot(), '.local', 'infra.env');
  const fromFile = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const get = (name: string): string => {
    const value = process.env[name] ?? new RegExp(`^${name}=(.*)$`, 'm').exec(fromFile)?.[1];
    if (!value) throw new Error(`${name} missing from .local/infra.env after ctl.sh start jaeger`);
    return value.trim().replace(/\/+$/, '');
  };
  return { otlpUrl: get('JAEGER_OTLP_URL'), queryUrl: get('JAEGER_QUERY_URL') };
}

/** The trace as Jaeger has it now, or undefined while it has none of its spans. */
async function fetchTrace(queryUrl: string, traceId: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${queryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET /api/traces/${traceId}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { data: JaegerTrace[] | null };
  return body.data?.[0];
}

/** The service that reported the span. */
function serviceOf(trace: JaegerTrace, span: JaegerSpan): string {
  return trace.processes[span.processID]?.serviceName ?? '?';
}

function tagOf(span: JaegerSpan, key: string): unknown {
  return span.tags.find((tag) => tag.key === key)?.value;
}

let shop: Shop;
let jaeger: JaegerEndpoints;
/** The checkout's trace, once the first test has read it back. */
let checkoutTraceId: string | undefined;

beforeAll(async () => {
  jaeger = await sharedJaeger();
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpUrl, OTEL_TRACES_SAMPLER_ARG: '0' };
  const env: Record<string, Record<string, string>> = Object.fromEntries(SHOP_SERVICES.map((name) => [name, { ...tracing }]));
  // The gateway logs each request at debug level: such a line within the request must carry the trace.
  env['gateway'] = { ...tracing, LOG_LEVEL: 'debug' };
  shop = await Shop.start({ label: 'trace', env });
}, 660_000);

afterAll(async () => {
  await shop?.stop();
}, 120_000);

interface Hop {
  topic: string;
  from: string;
  to: string;
}

/** Each CONSUMER span with the PRODUCER span it is the child of (undefined parent: not linked). */
function kafkaHops(trace: JaegerTrace): { hops: Hop[]; unlinked: JaegerSpan[] } {
  const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
  const hops: Hop[] = [];
  const unlinked: JaegerSpan[] = [];
  for (const span of trace.spans) {
    if (tagOf(span, 'span.kind') !== 'consumer') continue;
    const parentRef = span.references.find((ref) => ref.refType === 'CHILD_OF');
    const parent = parentRef && byId.get(parentRef.spanID);
    const topic = String(tagOf(span, 'messaging.destination.name'));
    if (parent && tagOf(parent, 'span.kind') === 'producer' && tagOf(parent, 'messaging.destination.name') === topic) {
      hops.push({ topic, from: serviceOf(trace, parent), to: serviceOf(trace, span) });
    } else {
      unlinked.push(span);
    }
  }
  return { hops, unlinked };
}

/** Spans whose parent is not in the trace (besides the test's own parent, which was never a span). */
function orphans(trace: JaegerTrace): JaegerSpan[] {
  const ids = new Set(trace.spans.map((span) => span.spanID));
  return trace.spans.filter((span) =>
    span.references.some((ref) => ref.refType === 'CHILD_OF' && !ids.has(ref.spanID) && ref.spanID !== TEST_PARENT),
  );
}

it('reads a checkout back from Jaeger as one trace across the six services, Kafka hops linked', async () => {
  const productId = await shop.createProduct({ stock: 2 });
  const { token } = await shop.signUpAndLogin();
  const traceId = randomBytes(16).toString('hex');
  const placed = await shop.request<{ id: string }>('POST', '/api/orders/orders', {
    token,
    headers: { traceparent: `00-${traceId}-${TEST_PARENT}-01` },
    body: { items: [{ productId, quantity: 1 }], shipping: { country: 'DE', postalCode: '10115', city: 'Berlin', method: 'standard' } },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(202);
  const done = await shop.waitForTerminal(token, placed.body.id, 120_000);
  expect(done.status, JSON.stringify(done)).toBe('confirmed');

  // Services export in batches (every 2 s) and Jaeger ingests asynchronously: wait until the trace
  // has every service, hops into and out of each saga participant, and no span missing its parent.
  const trace = await waitFor(
    `trace ${traceId} in Jaeger with spans of ${TRACED.join(', ')}, linked Kafka hops and no orphan span`,
    async () => {
      const found = await fetchTrace(jaeger.queryUrl, traceId);
      if (!found) throw new Error('no span yet');
      const services = new Set(found.spans.map((span) => serviceOf(found, span)));
      const missing = TRACED.filter((name) => !services.has(name));
      if (missing.length) throw new Error(`${found.spans.length} spans, none yet from ${missing.join(', ')}`);
      const { hops, unlinked } = kafkaHops(found);
      const into = new Set(hops.map((hop) => hop.to));
      const outOf = new Set(hops.map((hop) => hop.from));
      const participants = ['orders', 'inventory', 'payments', 'shipping'];
      if (!participants.every((name) => into.has(name) && outOf.has(name))) {
        throw new Error(`hops so far: ${hops.map((hop) => `${hop.from}→${hop.to}`).join(', ')}`);
      }
      if (unlinked.length) throw new Error(`consumer spans without their producer: ${unlinked.map((span) => span.operationName).join(', ')}`);
      const lost = orphans(found);
      if (lost.length) throw new Error(`spans whose parent has not arrived: ${lost.map((span) => `${serviceOf(found, span)}:${span.operationName}`).join(', ')}`);
      return found;
    },
    { timeoutMs: 90_000, intervalMs: 1_000 },
  );

  // One trace, one tree: every span but the gateway's entry has its parent in the trace.
  expect(trace.traceID).toBe(traceId);
  expect(trace.spans.every((span) => span.traceID === traceId)).toBe(true);
  const roots = trace.spans.filter((span) => !span.references.some((ref) => ref.refType === 'CHILD_OF' && ref.spanID !== TEST_PARENT));
  expect(roots.map((span) => serviceOf(trace, span))).toEqual(['gateway']);
  expect(orphans(trace)).toEqual([]);
  const { hops, unlinked } = kafkaHops(trace);
  expect(unlinked).toEqual([]);
  // The saga's round trips: orders commands each participant, each answers orders.
  for (const participant of ['inventory', 'payments', 'shipping']) {
    expect(hops).toContainEqual(expect.objectContaining({ from: 'orders', to: participant }));
    expect(hops).toContainEqual(expect.objectContaining({ from: participant, to: 'orders' }));
  }
  // psp is reached over HTTP from payments: its server span is a child of a payments span.
  const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
  const pspEntries = trace.spans.filter((span) => serviceOf(trace, span) === 'psp' && tagOf(span, 'span.kind') === 'server');
  expect(pspEntries.length).toBeGreaterThan(0);
  for (const entry of pspEntries) {
    const parent = byId.get(entry.references.find((ref) => ref.refType === 'CHILD_OF')!.spanID)!;
    expect(serviceOf(trace, parent)).toBe('payments');
  }
  // A log line within the request names the trace (the platform logger's trace_id/span_id).
  const logged = shop
    .output('gateway')
    .split('\n')
    .filter((line) => line.includes(`"trace_id":"${traceId}"`));
  expect(logged.length).toBeGreaterThan(0);
  expect(logged.some((line) => /"span_id":"[0-9a-f]{16}"/.test(line))).toBe(true);

  const perService = Object.fromEntries(TRACED.map((name) => [name, trace.spans.filter((span) => serviceOf(trace, span) === name).length]));
  checkoutTraceId = traceId;
  console.log(`checkout trace ${traceId}: ${trace.spans.length} spans ${JSON.stringify(perService)}, ${hops.length} Kafka hops linked by parenthood`);
}, 300_000);

it('names that trace in an exemplar on http_server_request_duration_seconds, and Jaeger returns it', async () => {
  const response = await fetch(`${shop.url('gateway')}/metrics`, {
    headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.headers.get('content-type')).toContain('application/openmetrics-text');
  const text = await response.text();
  // bucket line: name{labels} count # {trace_id="…",span_id="…"} value [timestamp]
  const exemplars = [...text.matchAll(/^http_server_request_duration_seconds_bucket\{([^}]*)\} \S+ # \{([^}]*)\} /gm)].map((match) => ({
    labels: match[1]!,
    traceId: /trace_id="([0-9a-f]{32})"/.exec(match[2]!)?.[1],
  }));
  // Only the test's order POST was sampled, so the exemplar of its bucket is the checkout's trace.
  // The gateway's route label is its proxy route (`/api/:service/*`); of the POSTs through it only
  // the order is answered 202 (sign-up, login and the catalog's admin calls are 200/201).
  expect(checkoutTraceId, 'the checkout trace of the previous test').toBeDefined();
  const posted = exemplars.filter((e) => e.labels.includes('method="POST"') && e.labels.includes('status_code="202"') && e.traceId);
  expect([...new Set(posted.map((e) => e.traceId))], text.split('\n').filter((line) => line.includes(' # {')).join('\n')).toEqual([checkoutTraceId]);
  const trace = await fetchTrace(jaeger.queryUrl, checkoutTraceId!);
  expect(trace?.spans.some((span) => serviceOf(trace, span) === 'gateway' && tagOf(span, 'span.kind') === 'server')).toBe(true);
}, 120_000);
