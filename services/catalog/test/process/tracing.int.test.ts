// Tracing end to end: a catalog process exports OTLP/HTTP (JSON encoding here, so the test can
// read it) to a local receiver; one request yields a server span and a PostgreSQL span in the
// caller's trace, and the request's log lines carry that trace id. The latency histogram carries
// the sampled trace as an exemplar, which the local Prometheus (exemplar storage on) stores and
// returns: the path from a slow bucket on a dashboard to the trace.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createPool } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, startOtlpReceiver, uniqueName, waitFor, type OtlpReceiver, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateCatalog } from '../../src/migrate.ts';
import { loadSeed } from '../../src/seed.ts';
import { spawnCatalog, type CatalogProcess } from '../support/catalog-process.ts';

let db: TestDatabase;
let catalog: CatalogProcess;
let receiver: OtlpReceiver | undefined;

beforeAll(async () => {
  db = await createTestDatabase('catalog-tracing');
  await migrateCatalog(db.url);
  const pool = createPool({ connectionString: db.url, max: 1 });
  await loadSeed(pool);
  await pool.end();
  receiver = await startOtlpReceiver();
  catalog = await spawnCatalog(db.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_TRACES_SAMPLER_ARG: '0',
    LOG_LEVEL: 'debug',
  });
});
afterAll(async () => {
  catalog?.child.kill('SIGTERM');
  await catalog?.exited;
  await receiver?.close();
  await db?.drop();
});

it('continues the caller trace through the server span and a PostgreSQL span, and logs its id', async () => {
  // Root sampling is 0: only the caller's sampled flag makes this trace recorded (parent-based).
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const res = await fetch(`${catalog.url}/products?limit=2`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
  expect(res.status).toBe(200);
  const unsampled = await fetch(`${catalog.url}/products?limit=1`, { headers: { traceparent: '00-11111111111111111111111111111111-00f067aa0ba902b7-00' } });
  expect(unsampled.status).toBe(200);

  const spans = await waitFor('spans of the request exported', () => {
    const all = receiver?.spans() ?? [];
    const mine = all.filter((s) => s.traceId === traceId);
    return mine.some((s) => s.attributes?.some((a) => a.key === 'db.system' || a.key === 'db.system.name')) ? all : undefined;
  }, { timeoutMs: 15_000 });

  const mine = spans.filter((s) => s.traceId === traceId);
  expect(mine.some((s) => s.parentSpanId === '00f067aa0ba902b7')).toBe(true);
  expect(spans.some((s) => s.traceId === '11111111111111111111111111111111')).toBe(false);
  const service = receiver!.exports[0]!.resourceSpans[0]!.resource.attributes.find((a) => a.key === 'service.name');
  expect(service?.value.stringValue).toBe('catalog');

  const logLines = catalog.output().split('\n').filter((line) => line.includes('"route":"/products"'));
  expect(logLines.some((line) => line.includes(`"trace_id":"${traceId}"`))).toBe(true);
});

it('puts the sampled trace on the latency histogram as an exemplar, which Prometheus stores and returns', async () => {
  const traceId = '5ce0e9a56015fec5aadfa328ae398115';
  const res = await fetch(`${catalog.url}/products?limit=1`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
  expect(res.status).toBe(200);
  const unsampledId = '22222222222222222222222222222222';
  await fetch(`${catalog.url}/products?limit=1`, { headers: { traceparent: `00-${unsampledId}-00f067aa0ba902b7-00` } });

  const openMetrics = await (await fetch(`${catalog.url}/metrics`, { headers: { accept: 'application/openmetrics-text;version=1.0.0' } })).text();
  const bucketLines = openMetrics.split('\n').filter((line) => line.startsWith('http_server_request_duration_seconds_bucket{') && line.includes('route="/products"'));
  expect(bucketLines.some((line) => line.includes(`# {trace_id="${traceId}",span_id="`))).toBe(true);
  expect(openMetrics).not.toContain(unsampledId);
  // The text format has no exemplars: scrapers that ask for it get exactly what they did before.
  const text = await (await fetch(`${catalog.url}/metrics`)).text();
  expect(text).not.toContain(traceId);

  // The local Prometheus scrapes the process (file_sd) and keeps the exemplar.
  const { prometheusTargetsDir, prometheusUrl } = infraEnv();
  const service = uniqueName('catalog-exemplars');
  const targets = path.join(prometheusTargetsDir, `${service}.json`);
  await writeFile(targets, JSON.stringify([{ targets: [new URL(catalog.url).host], labels: { service, namespace: 'local' } }]));
  try {
    const stored = await waitFor('the exemplar in Prometheus', async () => {
      const url = new URL('/api/v1/query_exemplars', prometheusUrl);
      url.searchParams.set('query', `http_server_request_duration_seconds_bucket{service="${service}"}`);
      url.searchParams.set('start', String(Date.now() / 1000 - 600));
      url.searchParams.set('end', String(Date.now() / 1000 + 60));
      const body = (await (await fetch(url)).json()) as { data?: { exemplars: { labels: Record<string, string> }[] }[] };
      const traces = (body.data ?? []).flatMap((series) => series.exemplars.map((exemplar) => exemplar.labels['trace_id']));
      return traces.includes(traceId) ? traces : undefined;
    }, { timeoutMs: 45_000, intervalMs: 1_000 });
    expect(stored).not.toContain(unsampledId);
  } finally {
    await rm(targets, { force: true });
  }
});
