// The outbox relay as every service runs it: a producer of its own, the relay loop, readiness
// named `kafka` (false while batches fail), and one stop function for the shutdown sequence.
import type { App } from '../http/create-app.ts';
import { createEventProducer, type KafkaClient, type KafkaLogger } from '../kafka/index.ts';
import type { Pool } from '../db/index.ts';
import { startOutboxRelay } from './relay.ts';

export interface AttachRelayOptions {
  pool: Pool;
  kafka: KafkaClient;
  logger?: KafkaLogger;
  /** Readiness check name (default `kafka`). */
  readinessName?: string;
}

/**
 * Connects a producer, starts the relay and registers its readiness check. The returned function
 * lets the batch in hand finish, stops the relay and flushes the producer; call it during
 * shutdown after the service stopped producing new outbox rows and before the pool closes.
 */
export async function attachOutboxRelay(app: App, options: AttachRelayOptions): Promise<() => Promise<void>> {
  const producer = createEventProducer({ client: options.kafka, registry: app.metrics.registry });
  await producer.connect();
  const relay = startOutboxRelay({
    pool: options.pool,
    producer,
    registry: app.metrics.registry,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  app.readiness.add(options.readinessName ?? 'kafka', async () => {
    const health = relay.health();
    if (!health.ok) throw new Error(health.detail);
  });
  return async () => {
    await relay.stop();
    await producer.disconnect();
  };
}
