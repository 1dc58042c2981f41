// Loadgen's own metrics (documented in the README). Labels are bounded: scenario and step names
// are fixed in code, outcomes, status classes and failure reasons are fixed word lists.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SCENARIOS } from '../domain/mix.ts';
import { OUTCOMES } from '../domain/outcome.ts';

export const ORDER_RESULTS = ['confirmed', 'cancelled', 'timeout'] as const;
export type OrderResult = (typeof ORDER_RESULTS)[number];

export interface LoadgenMetrics {
  scenarios: Counter<'scenario' | 'outcome'>;
  requests: Counter<'scenario' | 'step' | 'status_class'>;
  scenarioDuration: Histogram<'scenario'>;
  failures: Counter<'scenario' | 'step' | 'reason'>;
  orders: Counter<'result'>;
  targetRate: Gauge;
  inFlight: Gauge;
  shoppers: Gauge;
}

export function createLoadgenMetrics(registry: Registry): LoadgenMetrics {
  const metrics: LoadgenMetrics = {
    scenarios: new Counter({
      name: 'shop_loadgen_scenarios_total',
      help: 'Scenarios by outcome: ok, failed, dropped (in-flight bound reached), rate_limited (the gateway answered 429).',
      labelNames: ['scenario', 'outcome'] as const,
      registers: [registry],
    }),
    requests: new Counter({
      name: 'shop_loadgen_requests_total',
      help: 'Requests sent to the gateway, by scenario, step and status class (error: no answer, timeout: none in time).',
      labelNames: ['scenario', 'step', 'status_class'] as const,
      registers: [registry],
    }),
    scenarioDuration: new Histogram({
      name: 'shop_loadgen_scenario_duration_seconds',
      help: 'Time from a scenario start to its end (think time and order polling included).',
      labelNames: ['scenario'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'shop_loadgen_scenario_failures_total',
      help: 'Failed scenarios by the step that failed and why (e.g. step="quote", reason="upstream_unavailable": the gateway could not reach shipping).',
      labelNames: ['scenario', 'step', 'reason'] as const,
      registers: [registry],
    }),
    orders: new Counter({
      name: 'shop_loadgen_orders_total',
      help: 'Orders placed by checkout scenarios, by terminal state seen (timeout: none within LOADGEN_ORDER_TIMEOUT_MS).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    targetRate: new Gauge({
      name: 'shop_loadgen_target_rate',
      help: 'Scenarios started per second that loadgen aims for (0 while paused).',
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'shop_loadgen_in_flight',
      help: 'Scenarios running now.',
      registers: [registry],
    }),
    shoppers: new Gauge({
      name: 'shop_loadgen_shoppers',
      help: 'Signed-up synthetic accounts in the shopper pool.',
      registers: [registry],
    }),
  };
  // Every scenario × outcome series exists from 0, so rate() and ratios work from the first scrape.
  for (const scenario of SCENARIOS) {
    for (const outcome of OUTCOMES) metrics.scenarios.inc({ scenario, outcome }, 0);
  }
  for (const result of ORDER_RESULTS) metrics.orders.inc({ result }, 0);
  return metrics;
}
