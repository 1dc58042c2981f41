// What shipping does, each inside the caller's transaction (the inbox's, for Kafka messages):
// create a shipment (or refuse), cancel it, schedule dispatch on the order's confirmation, cancel
// on the order's cancellation, and move due shipments along. Replies and facts go to the outbox in
// the same transaction; metrics are counted by the caller after commit (see `Counted`).
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import { activeTraceHeaders, enqueue, type PoolClient, type Queryable } from '@shopwatch/platform';
import { progressEventId, replyEventId } from '../domain/event-ids.ts';
import { quoteFor } from '../domain/quotes.ts';
import { cancelOutcome, estimatedDeliveryAt, nextStatus, stageDuration, type StageDurations } from '../domain/shipment.ts';
import { NO_FAULTS, type ShippingFaults } from '../schemas/faults.ts';
import type { ShippingMetrics } from './shipping-metrics.ts';
import { inRecordedTrace } from './trace-context.ts';
import {
  changeStatus,
  claimDue,
  insertShipment,
  isCancelledOrder,
  lockByOrder,
  lockOrder,
  rememberCancelledOrder,
  scheduleDispatch,
  type ShipmentRecord,
} from './shipment-store.ts';

const SOURCE = '/services/shipping';

export interface ShippingOperationsOptions {
  metrics: ShippingMetrics;
  now: () => Date;
  random: () => number;
  durations: StageDurations;
  confirmationSlackMs: number;
  /** Where replies and facts go (default: the registry's `shop.shipping.events.v1`). */
  eventsTopic?: string;
  faults?: () => ShippingFaults;
}

/** A result plus the metric updates to apply once its transaction committed. */
export interface Counted<T> {
  value: T;
  count: () => void;
}

type CreateCommand = ShopEvent<'shop.shipping.shipment.create'>;
type CancelCommand = ShopEvent<'shop.shipping.shipment.cancel'>;
type OrderConfirmed = ShopEvent<'shop.orders.order.confirmed'>;
type OrderCancelled = ShopEvent<'shop.orders.order.cancelled'>;

export interface ShippingOperations {
  create(client: PoolClient, command: CreateCommand): Promise<Counted<ShopEvent>>;
  cancel(client: PoolClient, command: CancelCommand): Promise<Counted<ShopEvent>>;
  orderConfirmed(client: PoolClient, event: OrderConfirmed): Promise<Counted<'scheduled' | 'ignored'>>;
  orderCancelled(client: PoolClient, event: OrderCancelled): Promise<Counted<'cancelled' | 'remembered' | 'ignored'>>;
  /** Moves up to `limit` due shipments one step; resolves to how many moved. */
  advanceDue(client: PoolClient, limit: number): Promise<Counted<number>>;
  faults(): ShippingFaults;
}

export function createShippingOperations(options: ShippingOperationsOptions): ShippingOperations {
  const { metrics, now, random, durations } = options;
  const enqueueOptions = options.eventsTopic ? { topic: options.eventsTopic } : {};
  const faults = () => options.faults?.() ?? NO_FAULTS;
  const noop = () => undefined;

  const progress = (shipment: ShipmentRecord) => ({
    orderId: shipment.orderId,
    shipmentId: shipment.id,
    carrier: shipment.carrier,
    method: shipment.method,
    destinationCountry: shipment.country,
  });

  function created(command: CreateCommand, shipment: ShipmentRecord): ShopEvent {
    return makeEvent(
      'shop.shipping.shipment.created',
      shipment.orderId,
      {
        orderId: shipment.orderId,
        commandId: command.id,
        shipmentId: shipment.id,
        carrier: shipment.carrier,
        method: shipment.method,
        costCents: shipment.costCents,
        currency: shipment.currency,
        estimatedDeliveryAt: shipment.estimatedDeliveryAt.toISOString(),
      },
      { source: SOURCE, now, id: replyEventId(command.id) },
    );
  }

  async function refuse(client: Queryable, command: CreateCommand, reason: string, detail: string): Promise<Counted<ShopEvent>> {
    const { orderId } = command.data;
    const reply = makeEvent('shop.shipping.shipment.creation-failed', orderId, { orderId, commandId: command.id, reason, detail }, { source: SOURCE, now, id: replyEventId(command.id) });
    await enqueue(client, reply, enqueueOptions);
    return { value: reply, count: () => metrics.shipments.inc({ outcome: 'creation_failed', reason }) };
  }

  return {
    faults,

    async create(client, command) {
      const { orderId, destination, method, weightGrams, items } = command.data;
      await lockOrder(client, orderId);
      const existing = await lockByOrder(client, orderId);
      if (existing) {
        // Another create for the same order (orders retried with a new command): the same shipment,
        // unless it was cancelled meanwhile.
        if (existing.status === 'cancelled') return refuse(client, command, 'shipment_cancelled', 'The shipment for this order was cancelled.');
        const reply = created(command, existing);
        await enqueue(client, reply, enqueueOptions);
        return { value: reply, count: noop };
      }
      if (await isCancelledOrder(client, orderId)) return refuse(client, command, 'shipment_cancelled', 'The order was cancelled before its shipment was created.');
      const quoted = quoteFor(destination.country, weightGrams, method);
      if (!quoted.ok) return refuse(client, command, quoted.reason, quoted.detail);
      const { failureRate } = faults();
      if (failureRate > 0 && random() < failureRate) {
        return refuse(client, command, 'carrier_unavailable', `${quoted.quote.carrier} is not taking parcels right now (faults file: shipping.failureRate).`);
      }
      const at = now();
      const shipment = await insertShipment(client, {
        orderId,
        method,
        zone: quoted.quote.zone,
        carrier: quoted.quote.carrier,
        country: destination.country,
        postalCode: destination.postalCode,
        city: destination.city,
        weightGrams,
        itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
        costCents: quoted.quote.costCents,
        currency: quoted.quote.currency,
        estimatedDeliveryAt: estimatedDeliveryAt(at, method, durations, options.confirmationSlackMs),
        createdAt: at,
      });
      if (!shipment) throw new Error(`shipment for ${orderId} appeared under the order lock`);
      const reply = created(command, shipment);
      await enqueue(client, reply, enqueueOptions);
      return { value: reply, count: () => metrics.shipments.inc({ outcome: 'created', reason: 'none' }) };
    },

    async cancel(client, command) {
      const { orderId, reason } = command.data;
      await lockOrder(client, orderId);
      const shipment = await lockByOrder(client, orderId);
      const meta = { source: SOURCE, now, id: replyEventId(command.id) };
      if (!shipment) {
        await rememberCancelledOrder(client, orderId, reason, now());
        const reply = makeEvent('shop.shipping.shipment.cancelled', orderId, { orderId, commandId: command.id, outcome: 'not_found' }, meta);
        await enqueue(client, reply, enqueueOptions);
        return { value: reply, count: noop };
      }
      const outcome = cancelOutcome(shipment.status);
      if (outcome === 'cancelled') {
        await changeStatus(client, shipment.id, { status: 'cancelled', nextStepAt: null, at: now(), detail: `cancelled: ${reason}`, cancelReason: reason });
      }
      const reply = makeEvent('shop.shipping.shipment.cancelled', orderId, { orderId, commandId: command.id, shipmentId: shipment.id, outcome }, meta);
      await enqueue(client, reply, enqueueOptions);
      return { value: reply, count: outcome === 'cancelled' ? () => metrics.shipments.inc({ outcome: 'cancelled', reason: 'compensation' }) : noop };
    },

    async orderConfirmed(client, event) {
      const { orderId } = event.data;
      await lockOrder(client, orderId);
      const shipment = await lockByOrder(client, orderId);
      if (!shipment || shipment.status !== 'pending') return { value: 'ignored', count: noop };
      const at = now();
      const due = new Date(at.getTime() + stageDuration('pending', shipment.method, durations, random()));
      // The confirmation's trace (this consumer span) is kept, so the delivery facts continue it.
      const trace = activeTraceHeaders();
      const scheduled = await scheduleDispatch(client, shipment.id, at, due, trace['traceparent'] ? trace : null);
      return { value: scheduled ? 'scheduled' : 'ignored', count: noop };
    },

    async orderCancelled(client, event) {
      const { orderId, reason } = event.data;
      await lockOrder(client, orderId);
      const shipment = await lockByOrder(client, orderId);
      if (!shipment) {
        await rememberCancelledOrder(client, orderId, reason, now());
        return { value: 'remembered', count: noop };
      }
      if (shipment.status !== 'pending') return { value: 'ignored', count: noop };
      await changeStatus(client, shipment.id, { status: 'cancelled', nextStepAt: null, at: now(), detail: `order cancelled: ${reason}`, cancelReason: reason });
      return { value: 'cancelled', count: () => metrics.shipments.inc({ outcome: 'cancelled', reason: 'order_cancelled' }) };
    },

    async advanceDue(client, limit) {
      const at = now();
      // One enqueue per shipment (each in its order's recorded trace). Rows are claimed with SKIP
      // LOCKED, so no other ticker holds these orders' keys; going in key order keeps the outbox's
      // key locks ordered all the same.
      const due = (await claimDue(client, at, limit)).sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
      const counts: Array<() => void> = [];
      let moved = 0;
      for (const shipment of due) {
        const to = nextStatus(shipment.status);
        let fact: ShopEvent;
        if (to === 'dispatched') {
          const next = await changeStatus(client, shipment.id, {
            status: 'dispatched',
            nextStepAt: new Date(at.getTime() + stageDuration('dispatched', shipment.method, durations, random())),
            at,
            dispatchedAt: at,
            detail: `handed to ${shipment.carrier}`,
          });
          fact = makeEvent('shop.shipping.shipment.dispatched', next.orderId, progress(next), { source: SOURCE, now: at, id: progressEventId(next.id, 'dispatched') });
        } else if (to === 'in_transit') {
          const next = await changeStatus(client, shipment.id, {
            status: 'in_transit',
            nextStepAt: new Date(at.getTime() + stageDuration('in_transit', shipment.method, durations, random())),
            at,
            detail: `in transit to ${shipment.city}, ${shipment.country}`,
          });
          fact = makeEvent('shop.shipping.shipment.in-transit', next.orderId, progress(next), { source: SOURCE, now: at, id: progressEventId(next.id, 'in_transit') });
        } else if (to === 'delivered') {
          const next = await changeStatus(client, shipment.id, { status: 'delivered', nextStepAt: null, at, deliveredAt: at, detail: 'delivered' });
          const dispatchedAt = next.dispatchedAt ?? at;
          const deliverySeconds = Math.max(0, (at.getTime() - dispatchedAt.getTime()) / 1000);
          const onTime = at.getTime() <= next.estimatedDeliveryAt.getTime();
          fact = makeEvent('shop.shipping.shipment.delivered', next.orderId, { ...progress(next), deliverySeconds, onTime }, { source: SOURCE, now: at, id: progressEventId(next.id, 'delivered') });
          counts.push(() => {
            metrics.deliverySeconds.observe({ method: next.method }, deliverySeconds);
            metrics.delivered.inc({ on_time: String(onTime) });
          });
        } else {
          continue;
        }
        await inRecordedTrace(shipment.traceHeaders, () => enqueue(client, fact, enqueueOptions));
        counts.push(() => metrics.transitions.inc({ to }));
        moved += 1;
      }
      return { value: moved, count: () => counts.forEach((c) => c()) };
    },
  };
}
