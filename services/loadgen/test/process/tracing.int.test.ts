// Tracing end to end: each journey is the root of its own trace, each request a client span whose
// `traceparent` travels through the gateway, so catalog's server span is a child of loadgen's
// request span; a failed journey's span says where and why. Loadgen and catalog export OTLP/HTTP
// JSON to a local receiver; catalog samples nothing on its own (ratio 0), so its spans exist only
// because loadgen's traceparent said "sampled".
import { startOtlpReceiver, waitFor, type OtlpReceiver, type OtlpSpan, type ServiceProcess } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnLoadgen, startShop, uniqueLoopbackAddress, type Shop } from '../support/shop-processes.ts';

let receiver: OtlpReceiver;
let shop: Shop | undefined;
let loadgen: ServiceProcess | undefined;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  shop = await startShop({ catalog: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_SAMPLER_ARG: '0' } });
}, 180_000);
afterAll(async () => {
  if (loadgen && loadgen.child.exitCode === null) {
    loadgen.child.kill('SIGTERM');
    await loadgen.exited;
  }
  await shop?.close();
  await receiver?.close();
});

const attribute = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value.stringValue;

it('traces every journey from loadgen through the gateway into the services', async () => {
  loadgen = await spawnLoadgen({
    GATEWAY_URL: shop!.gateway.url,
    LOADGEN_LOCAL_ADDRESS: uniqueLoopbackAddress(),
    LOADGEN_RATE: '4',
    LOADGEN_MIX: 'browse=1,cart=1',
    LOADGEN_SEED: '2',
    LOADGEN_THINK_TIME_MS: '20',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_TRACES_SAMPLER_ARG: '1',
  });
  const found = await waitFor('a journey, its landing request and catalog server span in one trace', () => {
    const spans = receiver.spans();
    for (const journey of spans.filter((s) => s.name === 'journey browse' && !s.parentSpanId)) {
      const request = spans.find((s) => s.traceId === journey.traceId && s.parentSpanId === journey.spanId && s.name === 'GET landing');
      const server = request && spans.find((s) => s.traceId === journey.traceId && s.parentSpanId === request.spanId);
      if (request && server) return { journey, request, server };
    }
    // Quoted by waitFor if it times out: what has arrived so far.
    const names = new Map<string, number>();
    for (const span of spans) names.set(span.name, (names.get(span.name) ?? 0) + 1);
    throw new Error(`spans so far: ${JSON.stringify(Object.fromEntries(names))}`);
  }, { timeoutMs: 90_000, intervalMs: 250 });
  expect(attribute(found.journey, 'loadgen.scenario')).toBe('browse');
  expect(found.request.kind).toBe(3); // CLIENT
  expect(attribute(found.request, 'url.path')).toBe('/api/catalog/products');
  const catalogSpan = receiver.exports.find((e) => e.resourceSpans.some((r) => r.scopeSpans.some((s) => s.spans.some((span) => span.spanId === found.server.spanId))));
  expect(catalogSpan?.resourceSpans[0]?.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe('catalog');

  // Inventory is not behind this gateway: a cart journey fails at its stock check, and says so.
  const failed = await waitFor('a failed cart journey span', () =>
    receiver.spans().find((s) => s.name === 'journey cart' && attribute(s, 'loadgen.outcome') === 'failed'),
  { timeoutMs: 90_000, intervalMs: 250 });
  expect(attribute(failed, 'loadgen.failure.step')).toBe('stock');
  expect(attribute(failed, 'loadgen.failure.reason')).toBe('upstream_unavailable');

  // Journeys do not share traces: each is a root of its own.
  const roots = receiver.spans().filter((s) => s.name.startsWith('journey '));
  expect(roots.every((s) => !s.parentSpanId)).toBe(true);
  expect(new Set(roots.map((s) => s.traceId)).size).toBe(roots.length);
}, 240_000);
