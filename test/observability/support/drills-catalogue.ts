// The fault drills of issue 11: for each fault, how to cause it and undo it, the alert it is
// about, the services on its path (a page about any other service is unrelated), and the query
// that says its signal is back to normal. The runner (drills.observability.test.ts) does the rest.
import { queryPrometheus } from '@shopwatch/testkit';
import type { AlertRef } from './drills-alerts.ts';
import { call, clearFaults, gatewayRequestFrom, loadgenSettings, setFaults, startService, steerLoadgen, stopService } from './drills-shop.ts';

export interface Drill {
  fault: string;
  expect: AlertRef;
  /**
   * Services whose pages this fault may cause. loadgen is on the path of every fault a shopper
   * sees: its SLOs are the shop measured end to end (journeys, orders reaching a terminal state).
   */
  blastRadius: readonly string[];
  /** Services whose faults file the drill writes (made ready before the clock starts). */
  faultsOf?: readonly string[];
  /** Checkout-heavy load while the fault is in force (sagas are what most faults hurt). */
  checkoutLoad?: boolean;
  inject(): Promise<void>;
  /** Called repeatedly while waiting for the alert, for faults that need pressure to last. */
  sustain?(): Promise<void>;
  undo(): Promise<void>;
  /** True when the fault's own signal is back to normal (PromQL over short windows). */
  recovered(): Promise<boolean>;
}

/** The query returns no series, or only zeros. */
async function zero(promql: string): Promise<boolean> {
  const samples = await queryPrometheus(promql);
  return samples.every((s) => s.value === 0);
}

/** Checkouts make up most of the load: one every ~2 s, enough for ratio alerts to mean something. */
export const CHECKOUT_LOAD = { rate: 2, mix: { checkout: 30, browse: 40, search: 20, cart: 10 } };

interface Stock {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number | null;
}

/** Products the low-stock drill took down, and how many units it took from each. */
const takenDown: Array<{ productId: string; units: number }> = [];

async function lowerStock(count: number): Promise<void> {
  const page = await call<{ items: Array<{ id: string }> }>('catalog', 'GET', '/products?limit=100', [200]);
  for (const { id } of page.items) {
    if (takenDown.length >= count) break;
    const stock = await call<Stock | undefined>('inventory', 'GET', `/stock/${id}`, [200, 404]);
    // Well above the threshold, so the stock take is a fresh downward crossing.
    if (!stock || stock.available < 20) continue;
    const onHand = stock.reserved + 1;
    await call('inventory', 'PUT', `/stock/${id}`, [200], { onHand });
    takenDown.push({ productId: id, units: stock.onHand - onHand });
  }
  if (takenDown.length < count) throw new Error(`only ${takenDown.length} products had stock to take down`);
}

async function restoreStock(): Promise<void> {
  while (takenDown.length > 0) {
    const { productId, units } = takenDown[0] as { productId: string; units: number };
    if (units > 0) await call('inventory', 'POST', `/stock/${productId}/restock`, [200, 201], { quantity: units });
    takenDown.shift();
  }
}

// The rate-limit drill's client: a loopback address of its own, so only its budget runs out.
const PRESSURE_ADDRESS = '127.0.0.77';

export const DRILLS: Drill[] = [
  {
    fault: 'payments failure rate (psp declines half the authorisations)',
    expect: { alert: 'PaymentsAuthorizationFailures', service: 'payments' },
    blastRadius: ['payments', 'psp', 'orders', 'loadgen'],
    faultsOf: ['psp'],
    checkoutLoad: true,
    inject: () => setFaults('psp', { psp: { declineRate: 0.5 } }),
    undo: () => clearFaults('psp'),
    recovered: () => zero('sum(rate(shop_payments_outcomes_total{service="payments",operation="authorize",outcome="declined"}[30s]))'),
  },
  {
    fault: 'psp latency (1.5 s on every call)',
    expect: { alert: 'PaymentsPspLatencyHigh', service: 'payments' },
    blastRadius: ['payments', 'psp', 'orders', 'loadgen'],
    faultsOf: ['psp'],
    checkoutLoad: true,
    inject: () => setFaults('psp', { http: { latencyMs: 1_500 } }),
    undo: () => clearFaults('psp'),
    recovered: () =>
      zero('sum(rate(shop_payments_psp_request_duration_seconds_count{service="payments"}[30s])) - sum(rate(shop_payments_psp_request_duration_seconds_bucket{service="payments",le="1"}[30s]))'),
  },
  {
    fault: 'psp outage (every call answered 503)',
    expect: { alert: 'PaymentsCircuitOpen', service: 'payments' },
    blastRadius: ['payments', 'psp', 'orders', 'loadgen'],
    faultsOf: ['psp'],
    checkoutLoad: true,
    inject: () => setFaults('psp', { http: { errorRate: 1 } }),
    undo: () => clearFaults('psp'),
    recovered: () => zero('max(shop_payments_circuit_state{service="payments"})'),
  },
  {
    fault: 'inventory slow queries (1.5 s inside every reservation)',
    expect: { alert: 'InventoryReservationsSlow', service: 'inventory' },
    blastRadius: ['inventory', 'orders', 'loadgen'],
    faultsOf: ['inventory'],
    checkoutLoad: true,
    inject: () => setFaults('inventory', { inventory: { slowQueryMs: 1_500 } }),
    undo: () => clearFaults('inventory'),
    recovered: () =>
      zero('sum(rate(shop_inventory_reserve_duration_seconds_count{service="inventory"}[30s])) - sum(rate(shop_inventory_reserve_duration_seconds_bucket{service="inventory",le="1"}[30s]))'),
  },
  {
    fault: 'notification drops (every delivery attempt fails)',
    expect: { alert: 'NotificationsDeliveryFailing', service: 'notifications' },
    blastRadius: ['notifications'],
    faultsOf: ['notifications'],
    checkoutLoad: true,
    inject: () => setFaults('notifications', { notifications: { email: { failureRate: 1 }, sms: { failureRate: 1 }, push: { failureRate: 1 } } }),
    undo: () => clearFaults('notifications'),
    recovered: () => zero('sum(rate(shop_notification_attempts_total{service="notifications",outcome="error"}[30s]))'),
  },
  {
    fault: 'consumer delay (inventory waits 16 s before each saga command)',
    expect: { alert: 'OrdersSagaStepTimeouts', service: 'orders' },
    blastRadius: ['inventory', 'orders', 'loadgen'],
    faultsOf: ['inventory'],
    checkoutLoad: true,
    inject: () => setFaults('inventory', { inventory: { consumerDelayMs: 16_000 } }),
    undo: () => clearFaults('inventory'),
    // Every saga caught in the delay has finished (the backlog is drained), and no step timed out lately.
    recovered: async () => (await zero('max(shop_sagas_in_flight{service="orders"}) > 3')) && zero('sum(rate(shop_saga_step_timeouts_total{service="orders"}[30s]))'),
  },
  {
    fault: 'low stock (a stock take leaves 5 products with one unit)',
    expect: { alert: 'InventoryStockLow', service: 'inventory' },
    blastRadius: ['inventory', 'orders', 'loadgen'],
    inject: () => lowerStock(5),
    undo: restoreStock,
    recovered: () => Promise.resolve(takenDown.length === 0),
  },
  {
    fault: 'gateway rate-limit pressure (one client far over its sign-up budget)',
    expect: { alert: 'GatewayRateLimiting', service: 'gateway' },
    blastRadius: ['gateway', 'users'],
    inject: async () => {
      for (let i = 0; i < 30; i++) await gatewayRequestFrom(PRESSURE_ADDRESS, 'POST', '/api/users/signup', {});
    },
    sustain: async () => {
      for (let i = 0; i < 5; i++) await gatewayRequestFrom(PRESSURE_ADDRESS, 'POST', '/api/users/signup', {});
    },
    undo: () => Promise.resolve(),
    recovered: () => zero('sum(rate(gateway_rate_limited_total{service="gateway"}[30s]))'),
  },
  {
    fault: 'a service down (notifications stopped)',
    expect: { alert: 'ServiceDown', service: 'notifications' },
    blastRadius: ['notifications'],
    inject: async () => {
      await stopService('notifications');
    },
    undo: async () => {
      await startService('notifications');
    },
    recovered: async () => (await queryPrometheus('up{namespace="local",service="notifications"}')).some((s) => s.value === 1),
  },
];

export async function withCheckoutLoad<T>(enabled: boolean | undefined, body: () => Promise<T>): Promise<T> {
  if (!enabled) return body();
  const before = await loadgenSettings();
  await steerLoadgen(CHECKOUT_LOAD);
  try {
    return await body();
  } finally {
    await steerLoadgen(before);
  }
}
