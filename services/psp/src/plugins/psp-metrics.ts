// psp's own metrics (documented in the README): what the "provider" saw, to compare with what
// payments believes happened. Labels are fixed words.
import { Counter, type Registry } from 'prom-client';

export interface PspMetrics {
  operations: Counter<'operation' | 'outcome'>;
  replays: Counter;
}

export function createPspMetrics(registry: Registry): PspMetrics {
  return {
    operations: new Counter({
      name: 'shop_psp_operations_total',
      help: 'Provider operations by operation (authorize, capture, void, refund) and outcome (authorized, declined, error, rejected, captured, voided, refunded, conflict, not_found).',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    }),
    replays: new Counter({
      name: 'shop_psp_idempotent_replays_total',
      help: 'Authorisation requests answered from an earlier request with the same Idempotency-Key (no second charge).',
      registers: [registry],
    }),
  };
}
