// Transactional outbox: enqueue in the caller's transaction, a relay publishes to Kafka.
export { enqueue, enqueueAll } from './enqueue.ts';
export type { EnqueueOptions } from './enqueue.ts';
export { relayBatch, startOutboxRelay } from './relay.ts';
export { attachOutboxRelay } from './attach-relay.ts';
export type { AttachRelayOptions } from './attach-relay.ts';
export type { RelayBatchOptions, OutboxRelay, OutboxRelayOptions } from './relay.ts';
export { outboxMetrics } from './metrics.ts';
export type { OutboxMetrics } from './metrics.ts';
