import { createHash } from 'node:crypto';
import { problems, ProblemError, requireAuth, type App, type JwtSettings, type Pool, type Principal, decodeKeysetCursor, encodeKeysetCursor, problemResponses } from '@shopwatch/platform';
import type { FastifyRequest } from 'fastify';
import { mergeItems, priceOrder, type PricingProblem } from '../domain/pricing.ts';
import type { PlacedOrder, SagaState } from '../domain/saga.ts';
import { CatalogUnavailableError, type CatalogClient } from '../plugins/catalog-client.ts';
import * as repo from '../plugins/orders-repository.ts';
import type { SagaStore } from '../plugins/saga-store.ts';
import { IdempotencyHeaders, IdParams, Order, OrderCreate, OrderListQuery, OrderLog, OrderPage } from '../schemas/order.ts';

export interface OrdersContext {
  pool: Pool;
  jwt: JwtSettings;
  store: SagaStore;
  catalog: CatalogClient;
}

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw problems.unauthorized();
  return request.principal;
}

/** Same key, same request: what the key was first used for, independent of JSON key order. */
function fingerprint(body: OrderCreate): string {
  const canonical = JSON.stringify([
    body.items.map((item) => [item.productId, item.quantity]),
    [body.shipping.country, body.shipping.postalCode, body.shipping.city, body.shipping.method],
    body.cardToken ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function pricingProblem(problem: PricingProblem): ProblemError {
  switch (problem.kind) {
    case 'unknown_products':
      return new ProblemError(422, 'unknown-product', 'Unprocessable Content', `Unknown or unavailable product(s): ${problem.productIds.join(', ')}.`, {
        errors: problem.productIds.map((id) => ({ field: '/body/items', message: `product ${id} is unknown or not for sale` })),
        extensions: { productIds: problem.productIds },
      });
    case 'mixed_currencies':
      return new ProblemError(422, 'mixed-currencies', 'Unprocessable Content', `The products are priced in different currencies (${problem.currencies.join(', ')}); order them separately.`, {
        errors: [{ field: '/body/items', message: 'mixes currencies' }],
      });
    case 'quantity_too_large':
      return new ProblemError(422, 'quantity-too-large', 'Unprocessable Content', `Product ${problem.productId} is ordered ${problem.quantity} times; at most 1000 per product.`, {
        errors: [{ field: '/body/items', message: `quantity of ${problem.productId} exceeds 1000` }],
      });
    case 'total_too_large':
      return new ProblemError(422, 'total-too-large', 'Unprocessable Content', 'The order total exceeds the largest amount that can be paid at once.', {
        errors: [{ field: '/body/items', message: 'total too large' }],
      });
    case 'zero_total':
      return new ProblemError(422, 'zero-total', 'Unprocessable Content', 'The order total is zero; there is nothing to pay.', { errors: [{ field: '/body/items', message: 'total is zero' }] });
  }
}

/** The order as answered right after placement (the row holds exactly this). */
function viewOfPlaced(state: SagaState): Order {
  const { order } = state;
  return {
    id: order.orderId,
    userId: order.userId,
    status: state.status,
    lines: order.lines.map((line) => ({ ...line, lineTotalCents: line.quantity * line.unitPriceCents })),
    totalCents: order.totalCents,
    currency: order.currency,
    shipping: { ...order.destination, method: order.method },
    step: state.step,
    reason: null,
    failedStep: null,
    paymentId: null,
    shipmentId: null,
    refundRequired: false,
    createdAt: order.placedAt,
    updatedAt: order.placedAt,
    completedAt: null,
  };
}

export function registerOrderRoutes(app: App, ctx: OrdersContext): void {
  const signedIn = requireAuth(ctx.jwt);
  const tags = ['orders'];

  /** The order if the caller may see it (owner or admin); otherwise 404, never 403 (no probing). */
  async function visibleOrder(request: FastifyRequest, id: string): Promise<Order> {
    const principal = principalOf(request);
    const order = await repo.getOrder(ctx.pool, id);
    if (!order || (order.userId !== principal.subject && principal.role !== 'admin')) throw problems.notFound(`Order ${id}`);
    return order;
  }

  app.post(
    '/orders',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: 'Place an order: items are priced at catalog, then the checkout saga runs (202; poll GET /orders/:id).',
        headers: IdempotencyHeaders,
        body: OrderCreate,
        response: { 202: Order, ...problemResponses(400, 401, 403, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // Orders carry the user id in their events (1–100 characters); a token whose subject does
      // not fit cannot own an order.
      if (principal.subject.length === 0 || principal.subject.length > 100) {
        throw problems.forbidden('The token subject cannot own orders (1 to 100 characters).');
      }
      const body = request.body;
      const key = request.headers['idempotency-key'];
      const print = key === undefined ? undefined : fingerprint(body);

      const replay = async () => {
        if (key === undefined) return undefined;
        const existing = await repo.findByIdempotencyKey(ctx.pool, principal.subject, key);
        if (!existing) return undefined;
        if (existing.fingerprint !== print) {
          throw new ProblemError(422, 'idempotency-key-reused', 'Unprocessable Content', 'This Idempotency-Key was already used for a different order request.', {
            errors: [{ field: '/headers/idempotency-key', message: 'was used with another request body' }],
          });
        }
        return reply.code(202).header('location', `/orders/${existing.order.id}`).header('idempotent-replayed', 'true').send(existing.order);
      };

      const replayed = await replay();
      if (replayed) return replayed;

      const items = mergeItems(body.items);
      let products;
      try {
        products = await ctx.catalog.lookup(items.map((item) => item.productId));
      } catch (error) {
        if (error instanceof CatalogUnavailableError) {
          request.log.warn({ err: error }, 'catalog lookup failed');
          throw problems.unavailable('catalog');
        }
        throw error;
      }
      const priced = priceOrder(items, products);
      if (!priced.ok) throw pricingProblem(priced.problem);

      const now = ctx.store.now();
      const { method, ...destination } = body.shipping;
      const placed: PlacedOrder = {
        orderId: crypto.randomUUID(),
        userId: principal.subject,
        lines: priced.lines,
        totalCents: priced.totalCents,
        currency: priced.currency,
        destination,
        method,
        ...(body.cardToken ? { cardToken: body.cardToken } : {}),
        placedAt: now.toISOString(),
      };
      const outcome = await ctx.store.place(placed, { idempotencyKey: key, fingerprint: print }, now);
      if (outcome.status === 'idempotency-key-taken') {
        // A concurrent request with the same key won the race: answer with its order.
        const raced = await replay();
        if (raced) return raced;
        throw problems.conflict('The Idempotency-Key is in use by a concurrent request; retry.');
      }
      return reply.code(202).header('location', `/orders/${placed.orderId}`).send(viewOfPlaced(outcome.transition.state));
    },
  );

  app.get(
    '/orders/:id',
    { onRequest: signedIn, schema: { tags, summary: 'One order (its owner or an admin).', params: IdParams, response: { 200: Order, ...problemResponses(400, 401, 404) } } },
    async (request) => visibleOrder(request, request.params.id),
  );

  app.get(
    '/orders/:id/events',
    {
      onRequest: signedIn,
      schema: { tags, summary: "The order's audit log, oldest first.", params: IdParams, response: { 200: OrderLog, ...problemResponses(400, 401, 404) } },
    },
    async (request) => {
      const order = await visibleOrder(request, request.params.id);
      return { orderId: order.id, items: await repo.listLog(ctx.pool, order.id) };
    },
  );

  app.get(
    '/orders',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "The caller's orders, newest first (keyset pagination); admins may pass userId.",
        querystring: OrderListQuery,
        response: { 200: OrderPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      if (q.userId !== undefined && q.userId !== principal.subject && principal.role !== 'admin') {
        throw problems.forbidden("Only admins may read another user's orders.");
      }
      const after = q.cursor === undefined ? undefined : decodeKeysetCursor(q.cursor);
      if (q.cursor !== undefined && !after) throw problems.badRequest('The cursor is malformed.', [{ field: '/querystring/cursor', message: 'is invalid' }]);
      const limit = q.limit ?? 20;
      const page = await repo.listOrders(ctx.pool, { userId: q.userId ?? principal.subject, status: q.status, after, limit });
      return { items: page.items, nextCursor: page.more && page.last ? encodeKeysetCursor(page.last) : null };
    },
  );
}
