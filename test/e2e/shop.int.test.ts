// The harness itself: the whole shop starts as real processes, is seeded through the admin APIs
// behind the gateway, serves shoppers through the gateway, reloads faults, and stops. With tracing
// exported to a local OTLP receiver: one trace follows an order from the gateway through every
// service of the saga. Root sampling is 0, so only the test's sampled traceparent records spans.
import { startOtlpReceiver, waitFor, type OtlpReceiver } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SHOP_SERVICES, Shop } from './support/shop.ts';

let shop: Shop;
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_TRACES_SAMPLER_ARG: '0' };
  // The saga's services; gateway and users export protobuf whatever the protocol setting says,
  // which this JSON receiver cannot read, so they run untraced (the gateway passes traceparent on).
  const traced = SHOP_SERVICES.filter((name) => name !== 'gateway' && name !== 'users');
  shop = await Shop.start({ label: 'smoke', env: Object.fromEntries(traced.map((name) => [name, tracing])) });
}, 180_000);

afterAll(async () => {
  await shop?.stop();
  await receiver?.close();
}, 120_000);

it('seeds a product with stock and serves it to a signed-in shopper through the gateway', async () => {
  const productId = await shop.createProduct({ priceCents: 2500, stock: 7 });
  const product = await shop.request<{ id: string; priceCents: number }>('GET', `/api/catalog/products/${productId}`);
  expect(product.status).toBe(200);
  expect(product.body).toMatchObject({ id: productId, priceCents: 2500 });
  expect(await shop.stock(productId)).toMatchObject({ productId, onHand: 7, reserved: 0, available: 7 });

  const shopper = await shop.signUpAndLogin();
  const me = await shop.request<{ id: string; role: string }>('GET', '/api/users/me', { token: shopper.token });
  expect(me.body).toMatchObject({ id: shopper.userId, role: 'customer' });
  // A shopper is not an admin: stock takes are refused at the gateway.
  const refused = await shop.request('PUT', `/api/inventory/stock/${productId}`, { token: shopper.token, body: { onHand: 1 } });
  expect(refused.status).toBe(403);
});

it('gives every service its own saga topics and consumer group', async () => {
  const names = Object.values(shop.topics);
  expect(new Set(names).size).toBe(names.length);
  for (const topic of names) expect(topic).toContain(shop.base);
  const payments = await shop.metrics('payments');
  expect(payments).toMatch(/^shop_payments_circuit_state\{[^}]*\} 0$/m);
});

it('rewrites a service faults file and waits until the running service loaded it', async () => {
  await shop.setFaults('inventory', { inventory: { consumerDelayMs: 0 } });
  await shop.setFaults('psp', { psp: { declineRate: 0 } });
  expect(shop.output('psp')).toContain('"msg":"faults loaded"');
});

it('follows an order with one trace from the POST through orders and every participant', async () => {
  const productId = await shop.createProduct({ stock: 3 });
  const { token } = await shop.signUpAndLogin();
  const traceId = crypto.randomUUID().replaceAll('-', '');
  const placed = await shop.request<{ id: string }>('POST', '/api/orders/orders', {
    token,
    headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    body: { items: [{ productId, quantity: 1 }], shipping: { country: 'DE', postalCode: '10115', city: 'Berlin', method: 'standard' } },
  });
  expect(placed.status).toBe(202);
  const done = await shop.waitForTerminal(token, placed.body.id, 90_000);
  expect(done.status, JSON.stringify(done)).toBe('confirmed');

  const serviceOf = new Map<string, string>();
  const services = await waitFor(
    'spans of the trace from orders, inventory, payments, psp and shipping',
    () => {
      for (const exported of receiver.exports) {
        for (const resource of exported.resourceSpans) {
          const name = resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
          for (const scope of resource.scopeSpans) for (const span of scope.spans) if (span.traceId === traceId) serviceOf.set(span.spanId, name);
        }
      }
      const seen = new Set(serviceOf.values());
      return ['orders', 'inventory', 'payments', 'psp', 'shipping'].every((s) => seen.has(s)) ? seen : false;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  expect([...services]).toEqual(expect.arrayContaining(['inventory', 'orders', 'payments', 'psp', 'shipping']));
}, 240_000);
