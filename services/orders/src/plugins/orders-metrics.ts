// Orders' business metrics (documented in the README). Labels are fixed words (outcome, step) or
// the bounded reason list of domain/saga.ts (anything else is `other`); never ids.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Observation } from '../domain/saga.ts';

export interface OrdersMetrics {
  placed: Counter;
  completed: Counter<'outcome' | 'reason'>;
  checkoutDuration: Histogram<'outcome'>;
  stepDuration: Histogram<'step' | 'outcome'>;
  orderValue: Histogram;
  stepTimeouts: Counter<'step'>;
  stepResends: Counter<'step'>;
  refunded: Counter;
  refundRequired: Counter;
  catalogLookups: Counter<'outcome'>;
  inFlight: Gauge;
}

export function createOrdersMetrics(registry: Registry, inFlight: () => Promise<number>): OrdersMetrics {
  return {
    placed: new Counter({ name: 'shop_orders_placed_total', help: 'Orders accepted (202) and handed to the checkout saga.', registers: [registry] }),
    completed: new Counter({
      name: 'shop_orders_completed_total',
      help: 'Orders that reached a terminal state, by outcome (confirmed, cancelled) and reason (none for confirmed; out_of_stock, declined, psp_unavailable, step_timeout, …).',
      labelNames: ['outcome', 'reason'] as const,
      registers: [registry],
    }),
    checkoutDuration: new Histogram({
      name: 'shop_checkout_duration_seconds',
      help: 'Placement to terminal state, by outcome.',
      labelNames: ['outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: 'shop_saga_step_duration_seconds',
      help: 'Command sent to reply applied (or timeout), by saga step and outcome (ok, failed, timeout).',
      labelNames: ['step', 'outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
      registers: [registry],
    }),
    orderValue: new Histogram({
      name: 'shop_order_value_cents',
      help: 'Total of each placed order in minor units (cents).',
      buckets: [500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000],
      registers: [registry],
    }),
    stepTimeouts: new Counter({ name: 'shop_saga_step_timeouts_total', help: 'Saga steps whose reply did not come in time, by step.', labelNames: ['step'] as const, registers: [registry] }),
    stepResends: new Counter({
      name: 'shop_saga_step_resends_total',
      help: 'Saga commands re-sent after a step timeout (same idempotency key, new event id), by step.',
      labelNames: ['step'] as const,
      registers: [registry],
    }),
    refunded: new Counter({
      name: 'shop_orders_refunded_total',
      help: 'Cancelled orders whose captured payment the saga refunded (refund_payment confirmed).',
      registers: [registry],
    }),
    refundRequired: new Counter({
      name: 'shop_order_refund_required_total',
      help: 'Cancelled orders whose captured payment the saga could not refund (refused, or unconfirmed after every attempt): refund by hand.',
      registers: [registry],
    }),
    catalogLookups: new Counter({
      name: 'shop_orders_catalog_lookups_total',
      help: 'Product lookups at catalog while pricing orders, by outcome (found, not_found, error, timeout; retried: a lookup sent again after a connection error).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'shop_sagas_in_flight',
      help: 'Checkout sagas not yet in a terminal state (read from the database at scrape; the same for every replica).',
      registers: [registry],
      async collect() {
        try {
          this.set(await inFlight());
        } catch {
          // database down: keep the last value; /readyz reports the outage
        }
      },
    }),
  };
}

/** Records what a committed transition observed. */
export function record(metrics: OrdersMetrics, observations: readonly Observation[]): void {
  for (const o of observations) {
    switch (o.kind) {
      case 'step':
        metrics.stepDuration.observe({ step: o.step, outcome: o.outcome }, o.seconds);
        break;
      case 'step_timeout':
        metrics.stepTimeouts.inc({ step: o.step });
        break;
      case 'completed':
        metrics.completed.inc({ outcome: o.outcome, reason: o.reason });
        metrics.checkoutDuration.observe({ outcome: o.outcome }, o.seconds);
        break;
      case 'resend':
        metrics.stepResends.inc({ step: o.step });
        break;
      case 'refunded':
        metrics.refunded.inc();
        break;
      case 'refund_required':
        metrics.refundRequired.inc();
        break;
    }
  }
}
