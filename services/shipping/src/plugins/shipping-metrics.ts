// Shipping's business metrics (documented in the README). Labels are fixed words: methods, zones,
// outcomes, reasons and states; never order or shipment ids.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../domain/shipment.ts';

export interface ShippingMetrics {
  quotes: Counter<'method' | 'zone'>;
  shipments: Counter<'outcome' | 'reason'>;
  deliverySeconds: Histogram<'method'>;
  delivered: Counter<'on_time'>;
  transitions: Counter<'to'>;
}

/** Failure and cancel reasons used as label values; anything else is counted as `other`. */
const REASONS: ReadonlySet<string> = new Set([
  'none',
  'unsupported_destination',
  'overweight',
  'carrier_unavailable',
  'shipment_cancelled',
  'order_cancelled',
  'compensation',
]);
export function reasonLabel(reason: string): string {
  return REASONS.has(reason) ? reason : 'other';
}

export function createShippingMetrics(registry: Registry, statusCounts: () => Promise<Record<ShipmentStatus, number>>): ShippingMetrics {
  new Gauge({
    name: 'shop_shipments_in_state',
    help: 'Shipments currently in each state (pending, dispatched, in_transit, delivered, cancelled), counted at scrape.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      // The database being down leaves the last values; /readyz reports the outage.
      const counts = await statusCounts().catch(() => undefined);
      if (!counts) return;
      for (const state of SHIPMENT_STATUSES) this.set({ state }, counts[state]);
    },
  });
  return {
    quotes: new Counter({
      name: 'shop_shipping_quotes_total',
      help: 'Quotes given through POST /quotes, by method and zone (domestic, eu, europe, world).',
      labelNames: ['method', 'zone'] as const,
      registers: [registry],
    }),
    shipments: new Counter({
      name: 'shop_shipments_total',
      help: 'Shipment outcomes: created, creation_failed (reason: unsupported_destination, overweight, carrier_unavailable, shipment_cancelled) and cancelled (reason: compensation, order_cancelled).',
      labelNames: ['outcome', 'reason'] as const,
      registers: [registry],
    }),
    deliverySeconds: new Histogram({
      name: 'shop_shipment_delivery_seconds',
      help: 'Seconds from dispatch to delivery, by method.',
      labelNames: ['method'] as const,
      buckets: [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 3600, 86_400, 259_200],
      registers: [registry],
    }),
    delivered: new Counter({
      name: 'shop_shipments_delivered_total',
      help: 'Delivered shipments, by whether they arrived by the promised time (on_time true|false).',
      labelNames: ['on_time'] as const,
      registers: [registry],
    }),
    transitions: new Counter({
      name: 'shop_shipment_transitions_total',
      help: 'Status changes made by the progress ticker, by the status entered (dispatched, in_transit, delivered).',
      labelNames: ['to'] as const,
      registers: [registry],
    }),
  };
}
