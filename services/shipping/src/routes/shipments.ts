// Shipment reads. Signed-in users may read one shipment by its id (an unguessable UUID handed out
// with their order); lists and lookups by order are for admins only, because shipping does not
// know who owns an order (orders does).
import { problems, requireAuth, type App, decodeKeysetCursor, encodeKeysetCursor, problemResponses } from '@shopwatch/platform';
import * as store from '../plugins/shipment-store.ts';
import { IdParams, ListQuery, ShipmentPage, ShipmentView } from '../schemas/shipment.ts';
import type { ShippingContext } from './context.ts';

function view(s: store.ShipmentRecord, tracking?: store.TrackingEntry[]): ShipmentView {
  return {
    id: s.id,
    orderId: s.orderId,
    status: s.status,
    method: s.method,
    zone: s.zone,
    carrier: s.carrier,
    destination: { country: s.country, postalCode: s.postalCode, city: s.city },
    weightGrams: s.weightGrams,
    itemCount: s.itemCount,
    costCents: s.costCents,
    currency: s.currency,
    estimatedDeliveryAt: s.estimatedDeliveryAt.toISOString(),
    dispatchedAt: s.dispatchedAt?.toISOString() ?? null,
    deliveredAt: s.deliveredAt?.toISOString() ?? null,
    cancelReason: s.cancelReason,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    ...(tracking ? { tracking: tracking.map((t) => ({ status: t.status, detail: t.detail, at: t.at.toISOString() })) } : {}),
  };
}

export function registerShipmentRoutes(app: App, ctx: ShippingContext): void {
  const signedIn = requireAuth(ctx.jwt);
  const admin = requireAuth(ctx.jwt, 'admin');
  const tags = ['shipments'];

  app.get(
    '/shipments/:id',
    { onRequest: signedIn, schema: { tags, summary: 'One shipment with its tracking history (signed in).', params: IdParams, response: { 200: ShipmentView, ...problemResponses(400, 401, 404) } } },
    async (request) => {
      const shipment = await store.getShipment(ctx.pool, request.params.id);
      if (!shipment) throw problems.notFound(`Shipment ${request.params.id}`);
      return view(shipment, await store.tracking(ctx.pool, shipment.id));
    },
  );

  app.get(
    '/shipments',
    { onRequest: admin, schema: { tags, summary: 'Shipments, newest first, by order and status (admins).', querystring: ListQuery, response: { 200: ShipmentPage, ...problemResponses(400, 401, 403) } } },
    async (request) => {
      const { orderId, status, limit, cursor } = request.query;
      const position = cursor === undefined ? undefined : decodeKeysetCursor(cursor);
      const after = position && { createdAt: new Date(position.createdAt), id: position.id };
      if (cursor !== undefined && !position) throw problems.validation([{ field: '/querystring/cursor', message: 'is not a cursor this list handed out' }]);
      const rows = await store.listShipments(ctx.pool, { limit: limit + 1, ...(orderId ? { orderId } : {}), ...(status ? { status } : {}), ...(after ? { after } : {}) });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items: items.map((s) => view(s)), nextCursor: rows.length > limit && last ? encodeKeysetCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null };
    },
  );
}
