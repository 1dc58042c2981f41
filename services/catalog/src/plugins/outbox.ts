// Catalog writes its events through the platform's transactional outbox.
import type { ShopEvent } from '@shopwatch/contracts';
import { enqueue, type PoolClient } from '@shopwatch/platform';

export async function enqueueEvents(client: PoolClient, events: ShopEvent[]): Promise<void> {
  for (const event of events) await enqueue(client, event);
}
