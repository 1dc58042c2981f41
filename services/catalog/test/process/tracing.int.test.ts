// Tracing end to end: a catalog process exports OTLP/HTTP (JSON encoding here, so the test can
// read it) to a local receiver; one request yields a server span and a PostgreSQL span in the
// caller's trace, and the request's log lines carry that trace id.
import { createPool } from '@shopwatch/platform';
import { createTestDatabase, startOtlpReceiver, waitFor, type OtlpReceiver, type TestDatabase } from '@shopwatch/testkit';
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
