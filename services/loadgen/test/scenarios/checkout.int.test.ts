// Checkout journeys against the whole shop (every saga participant, orders and the gateway as real
// processes, from the end-to-end suite's harness): loadgen signs shoppers up, finds products in
// stock, asks shipping for a quote, orders, follows each order to its terminal state and counts it.
import { metricSample, metricSum, type ServiceProcess, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
// eslint-disable-next-line shopwatch/no-cross-workspace-import -- the shop starter moves into @shopwatch/testkit (startShop) once test/e2e/support/shop.ts settles
import { Shop } from '../../../../test/e2e/support/shop.ts';
import { spawnLoadgen, uniqueLoopbackAddress } from '../support/shop-processes.ts';

let shop: Shop;
let loadgen: ServiceProcess | undefined;

beforeAll(async () => {
  shop = await Shop.start({ label: 'loadgen', logLevel: 'warn' });
  // A small catalogue with plenty of stock: every order can be served.
  for (const priceCents of [1_250, 4_900, 19_900]) await shop.createProduct({ priceCents, stock: 1_000 });
}, 300_000);

afterAll(async () => {
  if (loadgen && loadgen.child.exitCode === null) {
    loadgen.child.kill('SIGTERM');
    await loadgen.exited;
  }
  await shop?.stop();
}, 120_000);

it('places orders through the gateway and follows each to confirmed or cancelled', async () => {
  loadgen = await spawnLoadgen({
    GATEWAY_URL: shop.gatewayUrl,
    LOADGEN_LOCAL_ADDRESS: uniqueLoopbackAddress(),
    LOADGEN_SEED: '4',
    LOADGEN_RATE: '2',
    LOADGEN_MIX: 'checkout=1',
    LOADGEN_SHOPPERS: '2',
    LOADGEN_THINK_TIME_MS: '20',
    LOADGEN_ORDER_POLL_MS: '200',
    LOADGEN_ORDER_TIMEOUT_MS: '90000',
  });
  const lg = loadgen;
  const metrics = async () => (await fetch(`${lg.url}/metrics`)).text();
  await waitFor('three confirmed orders', async () => (metricSample(await metrics(), 'shop_loadgen_orders_total', { result: 'confirmed' }) ?? 0) >= 3, {
    timeoutMs: 150_000,
    intervalMs: 500,
  });
  await fetch(`${lg.url}/control`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ paused: true }) });
  await waitFor('checkouts to finish', async () => ((await (await fetch(`${lg.url}/control`)).json()) as { inFlight: number }).inFlight === 0, {
    timeoutMs: 120_000,
    intervalMs: 500,
  });

  const text = await metrics();
  const confirmed = metricSample(text, 'shop_loadgen_orders_total', { result: 'confirmed' }) ?? 0;
  const cancelled = metricSample(text, 'shop_loadgen_orders_total', { result: 'cancelled' }) ?? 0;
  const ok = metricSample(text, 'shop_loadgen_scenarios_total', { scenario: 'checkout', outcome: 'ok' }) ?? 0;
  const failed = metricSample(text, 'shop_loadgen_scenarios_total', { scenario: 'checkout', outcome: 'failed' }) ?? 0;
  const rssMb = Math.round((metricSample(text, 'process_resident_memory_bytes') ?? 0) / 1e6);
  process.stdout.write(`loadgen checkout: ok=${ok} failed=${failed} confirmed=${confirmed} cancelled=${cancelled} loadgen_rss_mb=${rssMb}\n`);
  // A completed checkout is one that saw its order reach a terminal state, and only that.
  expect(ok).toBe(confirmed + cancelled);
  expect(confirmed).toBeGreaterThanOrEqual(3);
  for (const step of ['landing', 'product_page', 'stock', 'quote', 'place_order', 'order_status']) {
    expect(metricSample(text, 'shop_loadgen_requests_total', { scenario: 'checkout', step, status_class: '2xx' }), step).toBeGreaterThanOrEqual(3);
  }
  // Two shoppers, signed up once each, reused for every checkout.
  expect(metricSum(text, 'shop_loadgen_requests_total', { scenario: 'checkout', step: 'signup', status_class: '2xx' })).toBe(2);

  // Orders agrees: it accepted every order loadgen placed and completed at least those loadgen saw confirmed.
  const ordersMetrics = await shop.metrics('orders');
  const placed = metricSample(text, 'shop_loadgen_requests_total', { scenario: 'checkout', step: 'place_order', status_class: '2xx' }) ?? 0;
  expect(metricSum(ordersMetrics, 'shop_orders_placed_total')).toBe(placed);
  expect(metricSum(ordersMetrics, 'shop_orders_completed_total', { outcome: 'confirmed' })).toBeGreaterThanOrEqual(confirmed);
}, 300_000);
