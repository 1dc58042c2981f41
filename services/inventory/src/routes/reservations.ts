// Reservations over HTTP, for operators and direct callers (the checkout saga uses Kafka commands
// with the same operations). Admin only: a reservation takes stock away from every other shopper.
import { ProblemError, problems, requireAuth, withTransaction, type App, problemResponses } from '@shopwatch/platform';
import type { ReserveOutcome } from '../plugins/stock-store.ts';
import * as store from '../plugins/stock-store.ts';
import { OrderIdParams, ReleaseRequest, ReleaseResult, Reservation, ReserveRequest } from '../schemas/reservation.ts';
import type { InventoryContext } from './context.ts';

const MAX_TTL_MS = 7 * 24 * 3_600_000;

function failure(outcome: Extract<ReserveOutcome, { status: 'failed' }>): ProblemError {
  const extensions = { reason: outcome.reason, shortfall: outcome.shortfall };
  switch (outcome.reason) {
    case 'out_of_stock':
      return new ProblemError(409, 'out-of-stock', 'Conflict', 'Not every item is available in the requested quantity; nothing was reserved.', { extensions });
    case 'unknown_product':
      return new ProblemError(422, 'unknown-product', 'Unprocessable Content', 'Some items name products inventory has no stock for; nothing was reserved.', {
        extensions,
        errors: [{ field: '/body/items', message: 'names a product without stock' }],
      });
    default:
      return new ProblemError(409, outcome.reason.replaceAll('_', '-'), 'Conflict', 'The order\'s reservation has ended; it cannot be reserved again.', { extensions });
  }
}

export function registerReservationRoutes(app: App, ctx: InventoryContext): void {
  const admin = requireAuth(ctx.jwt, 'admin');
  const tags = ['reservations'];

  app.post(
    '/reservations',
    { onRequest: admin, schema: { tags, body: ReserveRequest, response: { 200: Reservation, 201: Reservation, ...problemResponses(400, 401, 403, 409, 422) } } },
    async (request, reply) => {
      const { orderId, items, expiresAt } = request.body;
      const now = ctx.now();
      const expiry = expiresAt ? new Date(expiresAt) : new Date(now.getTime() + ctx.defaultReservationTtlSeconds * 1000);
      if (expiry.getTime() <= now.getTime()) {
        throw problems.badRequest('expiresAt must be in the future.', [{ field: '/body/expiresAt', message: 'is not in the future' }]);
      }
      // A reservation holds stock away from every other shopper; an abandoned one must end.
      if (expiry.getTime() > now.getTime() + MAX_TTL_MS) {
        throw problems.badRequest('expiresAt must be within 7 days.', [{ field: '/body/expiresAt', message: 'is more than 7 days away' }]);
      }
      const started = performance.now();
      const outcome = await withTransaction(ctx.pool, (client) => ctx.operations.reserve(client, { orderId, items, expiresAt: expiry })).catch((error: unknown) => {
        if (error instanceof store.ConcurrentReservationError) throw problems.conflict('Another reservation for this order is in progress; retry.');
        throw error;
      });
      ctx.operations.countReserve(outcome, (performance.now() - started) / 1000);
      if (outcome.status === 'failed') throw failure(outcome);
      return reply
        .code(outcome.created ? 201 : 200)
        .header('location', `/reservations/${encodeURIComponent(orderId)}`)
        .send(outcome.reservation);
    },
  );

  app.get(
    '/reservations/:orderId',
    { onRequest: admin, schema: { tags, params: OrderIdParams, response: { 200: Reservation, ...problemResponses(400, 401, 403, 404) } } },
    async (request) => {
      const reservation = await store.getReservation(ctx.pool, request.params.orderId);
      if (!reservation) throw problems.notFound(`Reservation of order ${request.params.orderId}`);
      return reservation;
    },
  );

  app.post(
    '/reservations/:orderId/release',
    { onRequest: admin, schema: { tags, params: OrderIdParams, body: ReleaseRequest, response: { 200: ReleaseResult, ...problemResponses(400, 401, 403) } } },
    async (request) => {
      const outcome = await withTransaction(ctx.pool, (client) => ctx.operations.release(client, { orderId: request.params.orderId, reason: request.body.reason }));
      ctx.operations.countRelease(outcome);
      return { outcome: outcome.outcome, reservation: outcome.outcome === 'not_reserved' ? null : outcome.reservation };
    },
  );

  app.post(
    '/reservations/:orderId/commit',
    { onRequest: admin, schema: { tags, params: OrderIdParams, response: { 200: Reservation, ...problemResponses(400, 401, 403, 404, 409) } } },
    async (request) => {
      const outcome = await withTransaction(ctx.pool, (client) => ctx.operations.commit(client, { orderId: request.params.orderId }));
      ctx.operations.countCommit(outcome);
      if (outcome.status === 'committed') return outcome.reservation;
      if (outcome.reason === 'reservation_not_found') throw problems.notFound(`Reservation of order ${request.params.orderId}`);
      throw new ProblemError(409, outcome.reason.replaceAll('_', '-'), 'Conflict', 'The order\'s reservation was released; it cannot be committed.', {
        extensions: { reason: outcome.reason },
      });
    },
  );
}
