// Payments' business and dependency metrics (documented in the README). Labels are fixed words or
// a bounded currency list; never ids.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface PaymentsMetrics {
  circuitState: Gauge<'dependency'>;
  circuitTransitions: Counter<'dependency' | 'to'>;
  pspCalls: Counter<'operation' | 'outcome'>;
  pspDuration: Histogram<'operation' | 'outcome'>;
  pspRetries: Counter<'operation'>;
  outcomes: Counter<'operation' | 'outcome'>;
  amountCents: Counter<'currency' | 'outcome'>;
}

export function createPaymentsMetrics(registry: Registry): PaymentsMetrics {
  return {
    circuitState: new Gauge({
      name: 'shop_payments_circuit_state',
      help: 'State of the circuit breaker in front of a dependency: 0 closed, 1 half-open, 2 open.',
      labelNames: ['dependency'] as const,
      registers: [registry],
    }),
    circuitTransitions: new Counter({
      name: 'shop_payments_circuit_transitions_total',
      help: 'Circuit breaker state changes, by dependency and the state entered (closed, half_open, open).',
      labelNames: ['dependency', 'to'] as const,
      registers: [registry],
    }),
    pspCalls: new Counter({
      name: 'shop_payments_psp_calls_total',
      help: 'Attempts to call psp (retries included), by operation and outcome (ok, rejected, error, timeout, short_circuited).',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    }),
    pspDuration: new Histogram({
      name: 'shop_payments_psp_request_duration_seconds',
      help: 'Latency of psp calls that reached the network, by operation and outcome.',
      labelNames: ['operation', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    pspRetries: new Counter({
      name: 'shop_payments_psp_retries_total',
      help: 'psp calls retried after a transient failure, by operation.',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
    outcomes: new Counter({
      name: 'shop_payments_outcomes_total',
      help: 'Payment operations by operation (authorize, capture, void, refund) and outcome (authorized, declined, captured, voided, refunded or a failure reason).',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    }),
    amountCents: new Counter({
      name: 'shop_payments_amount_cents_total',
      help: 'Sum of amounts in minor units, by currency and outcome (authorized, declined, failed, captured, voided, refunded).',
      labelNames: ['currency', 'outcome'] as const,
      registers: [registry],
    }),
  };
}
