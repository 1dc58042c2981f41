// Catalog writes its events through the platform's transactional outbox.
import type { ShopEvent } from '@shopwatch/contracts';
import { enqueueAll, type PoolClient } from '@shopwatch/platform';

/**
 * enqueueAll takes the per-key locks in one sorted order, so two replicas flushing view batches
 * over overlapping products cannot deadlock (one enqueue per event in arrival order could).
 */
export async function enqueueEvents(client: PoolClient, events: ShopEvent[]): Promise<void> {
  await enqueueAll(client, events);
}
