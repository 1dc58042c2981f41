// An event consumer as every service runs it: the consumer itself, readiness named
// `kafka-consumer` (false until it joined its group and after it crashed), an hourly prune of the
// inbox, and one stop function for the shutdown sequence — the counterpart of attachOutboxRelay.
import type { Pool } from '../db/index.ts';
import type { App } from '../http/create-app.ts';
import { startEventConsumer, type EventConsumerOptions } from '../kafka/index.ts';
import { pruneInbox } from './inbox.ts';

export interface AttachConsumerOptions extends Omit<EventConsumerOptions, 'registry'> {
  /** Readiness check name (default `kafka-consumer`). */
  readinessName?: string;
  /**
   * Prunes inbox rows older than this many hours, hourly, through `pool`. Keep it above the
   * topics' retention: only then can no redelivery of a pruned id arrive any more.
   */
  inbox?: { pool: Pool; retentionHours: number; intervalMs?: number };
}

/**
 * Starts the consumer with the app's metrics registry and registers its readiness check. The
 * returned function stops pruning and stops the consumer (the message in hand finishes, offsets
 * are committed); call it during shutdown before the relay flushes and the pool closes.
 */
export async function attachEventConsumer(app: App, options: AttachConsumerOptions): Promise<() => Promise<void>> {
  const { readinessName, inbox, ...consumerOptions } = options;
  const consumer = await startEventConsumer({ ...consumerOptions, registry: app.metrics.registry });
  app.readiness.add(readinessName ?? 'kafka-consumer', async () => {
    const health = consumer.health();
    if (!health.ok) throw new Error(health.detail);
  });
  let prune: NodeJS.Timeout | undefined;
  if (inbox) {
    prune = setInterval(() => {
      pruneInbox(inbox.pool, new Date(Date.now() - inbox.retentionHours * 3_600_000))
        .then((pruned) => {
          if (pruned > 0) options.logger?.info({ pruned }, 'inbox pruned');
        })
        .catch((error: unknown) => options.logger?.warn({ err: error }, 'inbox prune failed, will retry'));
    }, inbox.intervalMs ?? 3_600_000);
    prune.unref();
  }
  return async () => {
    if (prune) clearInterval(prune);
    await consumer.stop();
  };
}
