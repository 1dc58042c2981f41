// Inventory's business metrics (documented in the README). No product or order ids as labels:
// outcomes and reasons are fixed words, and the stock-risk gauges are shop-wide aggregates
// computed from the database when Prometheus scrapes.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { StockSnapshot } from './stock-store.ts';

export interface InventoryMetrics {
  reservations: Counter<'outcome'>;
  settlements: Counter<'outcome'>;
  lowStockSignals: Counter;
  unitsRestocked: Counter<'source'>;
  unitsReserved: Counter;
  reserveDuration: Histogram<'outcome'>;
}

export interface SnapshotSource {
  /** The current aggregates; throws when the database is unreachable. */
  snapshot(): Promise<StockSnapshot>;
}

export function createInventoryMetrics(registry: Registry, source: SnapshotSource): InventoryMetrics {
  // One database round trip per scrape, shared by every stock gauge: the registry calls all
  // collect() functions in the same tick, so they all join the query the first one started; it is
  // forgotten as soon as it settles, so the next scrape reads fresh values. If the database is
  // down the gauges keep their last values; /readyz reports the outage.
  let pending: Promise<StockSnapshot | undefined> | undefined;
  const snapshot = () => {
    pending ??= source
      .snapshot()
      .catch(() => undefined)
      .finally(() => (pending = undefined));
    return pending;
  };
  const gauge = (name: string, help: string, pick: (s: StockSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const current = await snapshot();
        if (current) this.set(pick(current));
      },
    });

  gauge('shop_inventory_products', 'Products with a stock record.', (s) => s.products);
  gauge('shop_inventory_products_low_stock', 'Products whose available units are at or below their low-stock threshold (out of stock included).', (s) => s.lowStock);
  gauge('shop_inventory_products_out_of_stock', 'Products with no available units.', (s) => s.outOfStock);
  gauge('shop_inventory_available_units', 'Units that can still be reserved, all products together.', (s) => s.available);
  gauge('shop_inventory_reserved_units', 'Units held by open reservations, all products together.', (s) => s.reserved);
  gauge('shop_inventory_on_hand_units', 'Units on hand (available + reserved), all products together.', (s) => s.onHand);
  gauge('shop_inventory_reservations_open', 'Reservations neither committed nor released.', (s) => s.openReservations);
  gauge('shop_inventory_reservations_overdue', 'Open reservations past their expiry (the sweeper is behind when this stays above 0).', (s) => s.overdueReservations);

  return {
    reservations: new Counter({
      name: 'shop_inventory_reservations_total',
      help: 'Reservation attempts by outcome: reserved, out_of_stock, unknown_product, reservation_expired, reservation_released.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    settlements: new Counter({
      name: 'shop_inventory_reservations_settled_total',
      help: 'Reservations that ended, by outcome: committed, released (by the order) or expired (by the sweeper).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    lowStockSignals: new Counter({
      name: 'shop_inventory_low_stock_signals_total',
      help: 'Low-stock events emitted (one per downward crossing of a product threshold).',
      registers: [registry],
    }),
    unitsRestocked: new Counter({
      name: 'shop_inventory_units_restocked_total',
      help: 'Units added on hand, by source: admin (restock API) or supplier (the simulated supplier).',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    unitsReserved: new Counter({
      name: 'shop_inventory_units_reserved_total',
      help: 'Units reserved by successful reservations (demand that could be served).',
      registers: [registry],
    }),
    reserveDuration: new Histogram({
      name: 'shop_inventory_reserve_duration_seconds',
      help: 'Time to decide a reservation, row locks included, by outcome.',
      labelNames: ['outcome'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
