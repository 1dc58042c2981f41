// Tracing end to end: a catalog process exports OTLP/HTTP (JSON encoding here, so the test can
// read it) to a local receiver; one request yields a server span and a PostgreSQL span in the
// caller's trace, and the request's log lines carry that trace id.
import { createServer, type Server } from 'node:http';
import { createPool } from '@shopwatch/platform';
import { createTestDatabase, waitFor, type TestDatabase } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateCatalog } from '../../src/migrate.ts';
import { loadSeed } from '../../src/seed.ts';
import { freePort, spawnCatalog, type CatalogProcess } from '../support/catalog-process.ts';

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: Array<{ key: string; value: { stringValue?: string } }> }
interface OtlpExport { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> }

let db: TestDatabase;
let catalog: CatalogProcess;
let receiver: Server;
const exports: OtlpExport[] = [];

beforeAll(async () => {
  db = await createTestDatabase('catalog-tracing');
  await migrateCatalog(db.url);
  const pool = createPool({ connectionString: db.url, max: 1 });
  await loadSeed(pool);
  await pool.end();
  const port = await freePort();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') exports.push(JSON.parse(body) as OtlpExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  catalog = await spawnCatalog(db.url, {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_TRACES_SAMPLER_ARG: '0',
    LOG_LEVEL: 'debug',
  });
});
afterAll(async () => {
  catalog?.child.kill('SIGTERM');
  await catalog?.exited;
  receiver?.close();
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
    const all = exports.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
    const mine = all.filter((s) => s.traceId === traceId);
    return mine.some((s) => s.attributes?.some((a) => a.key === 'db.system' || a.key === 'db.system.name')) ? all : undefined;
  }, { timeoutMs: 15_000 });

  const mine = spans.filter((s) => s.traceId === traceId);
  expect(mine.some((s) => s.parentSpanId === '00f067aa0ba902b7')).toBe(true);
  expect(spans.some((s) => s.traceId === '11111111111111111111111111111111')).toBe(false);
  const service = exports[0]!.resourceSpans[0]!.resource.attributes.find((a) => a.key === 'service.name');
  expect(service?.value.stringValue).toBe('catalog');

  const logLines = catalog.output().split('\n').filter((line) => line.includes('"route":"/products"'));
  expect(logLines.some((line) => line.includes(`"trace_id":"${traceId}"`))).toBe(true);
});
