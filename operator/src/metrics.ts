// The operator's own Prometheus metrics. One registry per process (not the global one) so
// tests can create several operators' metrics side by side.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ReconcileResult = 'success' | 'invalid' | 'error';

export interface OperatorMetrics {
  registry: Registry;
  reconciles: Counter<'result'>;
  reconcileDuration: Histogram<'result'>;
  queueDepth: Gauge;
  managedObjects: Gauge<'kind'>;
  generationFailures: Counter<'condition' | 'reason'>;
  apiWrites: Counter<'kind' | 'verb'>;
  informerRestarts: Counter<'kind' | 'cause'>;
  leader: Gauge;
}

export function createMetrics(): OperatorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'shopwatch_operator_' });
  const registers = [registry];
  return {
    registry,
    reconciles: new Counter({
      name: 'shopwatch_operator_reconciles_total',
      help: 'Reconciles by result: success, invalid (spec problems reported in status), error (retried with backoff).',
      labelNames: ['result'],
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'shopwatch_operator_reconcile_duration_seconds',
      help: 'Time from taking a key off the queue to finishing its reconcile.',
      labelNames: ['result'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'shopwatch_operator_queue_depth',
      help: 'Keys waiting in the work queue (delayed retries not included).',
      registers,
    }),
    managedObjects: new Gauge({
      name: 'shopwatch_operator_managed_objects',
      help: 'Objects in the informer caches by kind (ServiceObservability and the outputs it owns).',
      labelNames: ['kind'],
      registers,
    }),
    generationFailures: new Counter({
      name: 'shopwatch_operator_generation_failures_total',
      help: 'Spec problems found while building outputs (bad PromQL, builder errors), by condition and reason.',
      labelNames: ['condition', 'reason'],
      registers,
    }),
    apiWrites: new Counter({
      name: 'shopwatch_operator_api_writes_total',
      help: 'Mutating Kubernetes API requests by kind and verb (apply, delete, create, update).',
      labelNames: ['kind', 'verb'],
      registers,
    }),
    informerRestarts: new Counter({
      name: 'shopwatch_operator_informer_restarts_total',
      help: 'List/watch restarts by kind and cause (error, watchdog).',
      labelNames: ['kind', 'cause'],
      registers,
    }),
    leader: new Gauge({
      name: 'shopwatch_operator_leader',
      help: '1 while this replica holds the leader lease.',
      registers,
    }),
  };
}
