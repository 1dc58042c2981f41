// Small helpers shared by orders' integration tests.
import { waitFor } from '@shopwatch/testkit';
import { expect } from 'vitest';
import type { Order, OrderLogEntry } from '../../src/schemas/order.ts';
import type { OrdersFixture } from './orders-fixture.ts';

export const BERLIN = { country: 'DE', postalCode: '10115', city: 'Berlin', method: 'standard' } as const;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function placeOrder(
  f: OrdersFixture,
  options: { token?: string; items?: { productId: string; quantity: number }[]; idempotencyKey?: string; cardToken?: string } = {},
): Promise<Order> {
  const res = await f.app.inject({
    method: 'POST',
    url: '/orders',
    headers: { ...bearer(options.token ?? f.tokens.alice), ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}) },
    payload: { items: options.items ?? [{ productId: f.products.widget, quantity: 2 }], shipping: BERLIN, ...(options.cardToken ? { cardToken: options.cardToken } : {}) },
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json<Order>();
}

export async function getOrder(f: OrdersFixture, id: string): Promise<Order> {
  const res = await f.app.inject({ method: 'GET', url: `/orders/${id}`, headers: bearer(f.tokens.admin) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Order>();
}

export async function orderLog(f: OrdersFixture, id: string): Promise<OrderLogEntry[]> {
  const res = await f.app.inject({ method: 'GET', url: `/orders/${id}/events`, headers: bearer(f.tokens.admin) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: OrderLogEntry[] }>().items;
}

/** Waits until the order has `status` (pending, cancelling, confirmed, cancelled). */
export async function orderReaches(f: OrdersFixture, id: string, status: Order['status'], timeoutMs = 30_000): Promise<Order> {
  return waitFor(
    `order ${id} ${status}`,
    async () => {
      const order = await getOrder(f, id);
      return order.status === status ? order : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** Waits until the awaited step is `step` (the reply before it has been applied). */
export async function orderAwaits(f: OrdersFixture, id: string, step: string, timeoutMs = 30_000): Promise<Order> {
  return waitFor(
    `order ${id} awaiting ${step}`,
    async () => {
      const order = await getOrder(f, id);
      return order.step === step ? order : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
