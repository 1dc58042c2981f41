// The harness itself: a shop of the services that exist starts as real processes, is seeded
// through the admin APIs behind the gateway, serves shoppers through the gateway, and stops.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Shop } from './support/shop.ts';

let shop: Shop;

beforeAll(async () => {
  shop = await Shop.start({ label: 'smoke', services: ['psp', 'payments', 'inventory', 'catalog', 'users', 'gateway'] });
}, 180_000);

afterAll(async () => {
  await shop?.stop();
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
