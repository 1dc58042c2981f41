// Orders' HTTP API against real PostgreSQL and a real catalog: server-side pricing, idempotency
// keys, history pagination and ownership, the audit log, and bad input on every route answered
// with a 4xx problem (never a 5xx).
import { createLogger, issueToken } from '@shopwatch/platform';
import { expectProblem, freePort } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOrdersApp } from '../../src/app.ts';
import type { Order } from '../../src/schemas/order.ts';
import { BERLIN, bearer, placeOrder } from '../support/helpers.ts';
import { JWT, startOrders, type OrdersFixture } from '../support/orders-fixture.ts';

let f: OrdersFixture;
beforeAll(async () => {
  f = await startOrders({ saga: false });
});
afterAll(async () => {
  await f?.close();
});

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  [k: string]: unknown;
}


const post = (payload: unknown, headers: Record<string, string> = bearer(f.tokens.alice)) => f.app.inject({ method: 'POST', url: '/orders', headers, payload: payload as object });

describe('POST /orders', () => {
  it('prices every line at catalog, merges repeated products, answers 202 with Location', async () => {
    const res = await post({ items: [{ productId: f.products.widget, quantity: 1 }, { productId: f.products.gadget, quantity: 2 }, { productId: f.products.widget, quantity: 3 }], shipping: BERLIN });
    expect(res.statusCode, res.body).toBe(202);
    const order = res.json<Order>();
    expect(res.headers['location']).toBe(`/orders/${order.id}`);
    expect(order).toMatchObject({
      userId: 'alice',
      status: 'pending',
      step: 'reserve_stock',
      currency: 'EUR',
      totalCents: 4 * 1250 + 2 * 500,
      lines: [
        { productId: f.products.widget, quantity: 4, unitPriceCents: 1250, lineTotalCents: 5000 },
        { productId: f.products.gadget, quantity: 2, unitPriceCents: 500, lineTotalCents: 1000 },
      ],
      shipping: BERLIN,
    });
    const stored = await f.app.inject({ method: 'GET', url: `/orders/${order.id}`, headers: bearer(f.tokens.alice) });
    expect(stored.json<Order>()).toEqual(order);
  });

  it('refuses a client price: unknown fields are a 400 naming the field', async () => {
    const line = expectProblem<ProblemBody>(await post({ items: [{ productId: f.products.widget, quantity: 1, unitPriceCents: 1 }], shipping: BERLIN }), 400);
    expect(JSON.stringify(line.errors)).toContain('unitPriceCents');
    const total = expectProblem<ProblemBody>(await post({ items: [{ productId: f.products.widget, quantity: 1 }], shipping: BERLIN, totalCents: 1 }), 400);
    expect(JSON.stringify(total.errors)).toContain('totalCents');
  });

  it('an unknown or retired product is a 422 naming it; mixed currencies are a 422', async () => {
    const missing = crypto.randomUUID();
    const unknown = expectProblem<ProblemBody>(await post({ items: [{ productId: f.products.widget, quantity: 1 }, { productId: missing, quantity: 1 }], shipping: BERLIN }), 422);
    expect(unknown.detail).toContain(missing);
    expect(unknown['productIds']).toEqual([missing]);
    const retired = expectProblem<ProblemBody>(await post({ items: [{ productId: f.products.retired, quantity: 1 }], shipping: BERLIN }), 422);
    expect(retired.detail).toContain(f.products.retired);
    const mixed = expectProblem<ProblemBody>(await post({ items: [{ productId: f.products.widget, quantity: 1 }, { productId: f.products.dollar, quantity: 1 }], shipping: BERLIN }), 422);
    expect(mixed.type).toContain('mixed-currencies');
    const tooMany = expectProblem<ProblemBody>(await post({ items: [{ productId: f.products.widget, quantity: 600 }, { productId: f.products.widget, quantity: 600 }], shipping: BERLIN }), 422);
    expect(tooMany.type).toContain('quantity-too-large');
  });

  it('catalog unreachable is a 503 naming catalog', async () => {
    const app = await buildOrdersApp({ pool: f.pool, logger: createLogger({ service: 'orders', level: 'silent' }), jwt: JWT, catalog: { baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2_000 } });
    try {
      const res = await app.inject({ method: 'POST', url: '/orders', headers: bearer(f.tokens.alice), payload: { items: [{ productId: f.products.widget, quantity: 1 }], shipping: BERLIN } });
      const problem = expectProblem(res, 503);
      expect(problem['dependency']).toBe('catalog');
      expect(problem.detail).toContain('catalog');
    } finally {
      await app.close();
    }
  });

  it('the same Idempotency-Key from the same user returns the same order; another body with it is a 422', async () => {
    const key = `checkout-${crypto.randomUUID()}`;
    const body = { items: [{ productId: f.products.gadget, quantity: 1 }], shipping: BERLIN };
    const [a, b] = await Promise.all([post(body, { ...bearer(f.tokens.alice), 'idempotency-key': key }), post(body, { ...bearer(f.tokens.alice), 'idempotency-key': key })]);
    expect(a.statusCode, a.body).toBe(202);
    expect(b.statusCode, b.body).toBe(202);
    expect(a.json<Order>().id).toBe(b.json<Order>().id);
    const later = await post(body, { ...bearer(f.tokens.alice), 'idempotency-key': key });
    expect(later.statusCode).toBe(202);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.json<Order>().id).toBe(a.json<Order>().id);
    const { rows } = await f.pool.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE idempotency_key = $1', [key]);
    expect(Number(rows[0]!.n)).toBe(1);

    expectProblem(await post({ ...body, items: [{ productId: f.products.gadget, quantity: 2 }] }, { ...bearer(f.tokens.alice), 'idempotency-key': key }), 422);
    // Keys are per user: bob's same key is bob's own order.
    const bobs = await post(body, { ...bearer(f.tokens.bob), 'idempotency-key': key });
    expect(bobs.statusCode).toBe(202);
    expect(bobs.json<Order>().id).not.toBe(a.json<Order>().id);
  });

  it('needs a valid token whose subject can own an order', async () => {
    const body = { items: [{ productId: f.products.widget, quantity: 1 }], shipping: BERLIN };
    expectProblem(await post(body, {}), 401);
    expectProblem(await post(body, { authorization: 'Bearer not.a.token' }), 401);
    const longSubject = await issueToken(JWT, { subject: 's'.repeat(101), role: 'customer' });
    expectProblem(await post(body, bearer(longSubject)), 403);
  });
});

describe('GET /orders/:id and /orders/:id/events', () => {
  it('owner and admin see the order and its log; anyone else gets 404', async () => {
    const order = await placeOrder(f);
    for (const token of [f.tokens.alice, f.tokens.admin]) {
      expect((await f.app.inject({ method: 'GET', url: `/orders/${order.id}`, headers: bearer(token) })).statusCode).toBe(200);
    }
    expectProblem(await f.app.inject({ method: 'GET', url: `/orders/${order.id}`, headers: bearer(f.tokens.bob) }), 404);
    expectProblem(await f.app.inject({ method: 'GET', url: `/orders/${order.id}/events`, headers: bearer(f.tokens.bob) }), 404);
    expectProblem(await f.app.inject({ method: 'GET', url: `/orders/${crypto.randomUUID()}`, headers: bearer(f.tokens.alice) }), 404);
    const log = await f.app.inject({ method: 'GET', url: `/orders/${order.id}/events`, headers: bearer(f.tokens.alice) });
    expect(log.statusCode).toBe(200);
    const items = log.json<{ orderId: string; items: { kind: string; step: string | null; commandId: string | null }[] }>().items;
    expect(items.map((e) => e.kind)).toEqual(['placed', 'command_sent']);
    expect(items[1]).toMatchObject({ step: 'reserve_stock', commandId: expect.any(String) as string });
  });

  it('the audit log is append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const order = await placeOrder(f);
    await expect(f.pool.query("UPDATE order_events SET kind = 'confirmed' WHERE order_id = $1", [order.id])).rejects.toThrow(/append-only/);
    await expect(f.pool.query('DELETE FROM order_events WHERE order_id = $1', [order.id])).rejects.toThrow(/append-only/);
    await expect(f.pool.query('TRUNCATE order_events CASCADE')).rejects.toThrow(/append-only/);
    const { rows } = await f.pool.query<{ n: string }>('SELECT count(*) AS n FROM order_events WHERE order_id = $1', [order.id]);
    expect(Number(rows[0]!.n)).toBe(2);
  });
});

describe('GET /orders (history)', () => {
  it('newest first, keyset pages without overlap, status filter; only the caller’s orders; admins may pass userId', async () => {
    const carol = await issueToken(JWT, { subject: 'carol', role: 'customer' });
    const placed: string[] = [];
    for (let i = 0; i < 5; i += 1) placed.push((await placeOrder(f, { token: carol })).id);
    await f.pool.query("UPDATE orders SET status = 'cancelled', saga_step = NULL, step_deadline = NULL WHERE id = $1", [placed[1]]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await f.app.inject({ method: 'GET', url, headers: bearer(carol) });
      expect(res.statusCode, res.body).toBe(200);
      const page: { items: Order[]; nextCursor: string | null } = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...placed].reverse());

    const cancelled = await f.app.inject({ method: 'GET', url: '/orders?status=cancelled', headers: bearer(carol) });
    expect(cancelled.json<{ items: Order[] }>().items.map((o) => o.id)).toEqual([placed[1]]);

    const bobs = await f.app.inject({ method: 'GET', url: '/orders', headers: bearer(f.tokens.bob) });
    expect(bobs.json<{ items: Order[] }>().items.every((o) => o.userId === 'bob')).toBe(true);
    expect(bobs.json<{ items: Order[] }>().items.map((o) => o.id)).not.toContain(placed[0]);

    const asAdmin = await f.app.inject({ method: 'GET', url: '/orders?userId=carol&limit=100', headers: bearer(f.tokens.admin) });
    expect(asAdmin.json<{ items: Order[] }>().items.map((o) => o.id).sort()).toEqual([...placed].sort());
    expectProblem(await f.app.inject({ method: 'GET', url: '/orders?userId=carol', headers: bearer(f.tokens.bob) }), 403);
  });
});

describe('bad input on every route → 4xx problem+json, never 5xx', () => {
  const item = () => ({ productId: f.products.widget, quantity: 1 });
  const cases: [string, () => unknown][] = [
    ['empty object', () => ({})],
    ['array body', () => [item()]],
    ['string body', () => 'orders'],
    ['null body', () => null],
    ['items missing', () => ({ shipping: BERLIN })],
    ['shipping missing', () => ({ items: [item()] })],
    ['items empty', () => ({ items: [], shipping: BERLIN })],
    ['items not an array', () => ({ items: item(), shipping: BERLIN })],
    ['51 items', () => ({ items: Array.from({ length: 51 }, item), shipping: BERLIN })],
    ['productId not a uuid', () => ({ items: [{ productId: 'widget', quantity: 1 }], shipping: BERLIN })],
    ['productId a number', () => ({ items: [{ productId: 42, quantity: 1 }], shipping: BERLIN })],
    ['quantity zero', () => ({ items: [{ ...item(), quantity: 0 }], shipping: BERLIN })],
    ['quantity negative', () => ({ items: [{ ...item(), quantity: -3 }], shipping: BERLIN })],
    ['quantity fractional', () => ({ items: [{ ...item(), quantity: 1.5 }], shipping: BERLIN })],
    ['quantity huge', () => ({ items: [{ ...item(), quantity: 1e20 }], shipping: BERLIN })],
    ['quantity a string', () => ({ items: [{ ...item(), quantity: '1' }], shipping: BERLIN })],
    ['unknown item field', () => ({ items: [{ ...item(), priceCents: 1 }], shipping: BERLIN })],
    ['unknown top-level field', () => ({ items: [item()], shipping: BERLIN, currency: 'EUR' })],
    ['country lower case', () => ({ items: [item()], shipping: { ...BERLIN, country: 'de' } })],
    ['method unknown', () => ({ items: [item()], shipping: { ...BERLIN, method: 'teleport' } })],
    ['city oversize', () => ({ items: [item()], shipping: { ...BERLIN, city: 'x'.repeat(10_000) } })],
    ['city with control characters', () => ({ items: [item()], shipping: { ...BERLIN, city: 'Ber\u0000lin' } })],
    ['postal code with emoji', () => ({ items: [item()], shipping: { ...BERLIN, postalCode: '10115🙂' } })],
    ['unknown shipping field', () => ({ items: [item()], shipping: { ...BERLIN, street: 'Unter den Linden 1' } })],
    ['card token malformed', () => ({ items: [item()], shipping: BERLIN, cardToken: '4111111111111111' })],
  ];
  it.each(cases)('POST /orders with %s', async (_name, body) => {
    const res = await post(body());
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expectProblem(res, res.statusCode);
  });

  it('POST /orders with a unicode city is fine (202), with a malformed Idempotency-Key is a 400, with non-JSON a 4xx', async () => {
    expect((await post({ items: [item()], shipping: { ...BERLIN, city: 'Zürich – Ōsaka 東京' } })).statusCode).toBe(202);
    expectProblem(await post({ items: [item()], shipping: BERLIN }, { ...bearer(f.tokens.alice), 'idempotency-key': 'no spaces allowed' }), 400);
    expectProblem(await post({ items: [item()], shipping: BERLIN }, { ...bearer(f.tokens.alice), 'idempotency-key': 'k'.repeat(200) }), 400);
    const garbage = await f.app.inject({ method: 'POST', url: '/orders', headers: { ...bearer(f.tokens.alice), 'content-type': 'application/json' }, payload: '{"items": [' });
    expectProblem(garbage, garbage.statusCode);
    expect(garbage.statusCode).toBe(400);
    const text = await f.app.inject({ method: 'POST', url: '/orders', headers: { ...bearer(f.tokens.alice), 'content-type': 'text/plain' }, payload: 'items' });
    expect(text.statusCode).toBeGreaterThanOrEqual(400);
    expect(text.statusCode).toBeLessThan(500);
  });

  it.each([
    ['/orders/not-a-uuid', 400],
    ['/orders/not-a-uuid/events', 400],
    [`/orders/${'9'.repeat(100)}`, 400],
    ['/orders?limit=0', 400],
    ['/orders?limit=101', 400],
    ['/orders?limit=abc', 400],
    ['/orders?limit=-1', 400],
    ['/orders?limit=1e30', 400],
    ['/orders?status=lost', 400],
    ['/orders?cursor=!!!', 400],
    ['/orders?cursor=bm90LWEtY3Vyc29y', 400],
    ['/orders?colour=red', 400],
    [`/orders?userId=${'u'.repeat(200)}`, 400],
  ] as const)('GET %s → %i', async (url, status) => {
    expectProblem(await f.app.inject({ method: 'GET', url, headers: bearer(f.tokens.alice) }), status);
  });

  it('GET with an oversize path segment → 414 problem', async () => {
    expectProblem(await f.app.inject({ method: 'GET', url: `/orders/${'9'.repeat(5000)}`, headers: bearer(f.tokens.alice) }), 414);
  });
});
