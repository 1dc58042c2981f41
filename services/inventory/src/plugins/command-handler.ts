// Inventory as a saga participant: handles reserve / release / commit commands from Kafka. Each
// command runs through the inbox (handleOnce), so a redelivered command is recognised by its id
// and has no second effect and no second reply; the reply is written to the outbox in the same
// transaction as the stock change. Replies have ids derived from the command id, so even a
// replayed command (inbox pruned) yields a reply consumers already know. Which errors dead-letter a
// command (PostgreSQL data/constraint errors, PermanentError) is the platform's one classifier;
// a concurrent reservation for the same order is an ordinary error, so it is retried.
import { PermanentError, handleOnce, type EventHandler, type InboxMetrics, type Logger, type Pool, type PoolClient } from '@shopwatch/platform';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InventoryFaults } from '../schemas/faults.ts';
import { ConcurrentReservationError } from './stock-store.ts';
import type { StockOperations } from './stock-operations.ts';

export interface CommandHandlerOptions {
  pool: Pool;
  operations: StockOperations;
  consumerGroup: string;
  inboxMetrics?: InboxMetrics;
  logger: Logger;
  /** Run-time faults from the faults file (none when absent). */
  faults?: () => InventoryFaults;
}

export function createCommandHandler(options: CommandHandlerOptions): EventHandler {
  const { pool, operations, consumerGroup } = options;
  const once = <T>(event: { id: string; type: string }, effect: (client: PoolClient) => Promise<T>) =>
    handleOnce(pool, consumerGroup, event, effect, options.inboxMetrics);

  return async (event, message) => {
    const command = { id: event.id };
    const delayMs = options.faults?.().consumerDelayMs ?? 0;
    // Injected fault: consumer lag. Aborted by shutdown (the command is redelivered later).
    if (delayMs > 0) {
      await sleep(delayMs, undefined, { signal: message.signal }).catch(() => undefined);
      if (message.signal.aborted) throw new Error('consumer stopping during an injected delay');
    }
    switch (event.type) {
      case 'shop.inventory.stock.reserve': {
        const { orderId, items, expiresAt } = event.data;
        const started = performance.now();
        try {
          const result = await once(event, (client) => operations.reserve(client, { orderId, items, expiresAt: new Date(expiresAt) }, command));
          if (result.status === 'handled') operations.countReserve(result.result, (performance.now() - started) / 1000);
        } catch (error) {
          // Another delivery of a command for the same order holds the order; the retry sees its outcome.
          if (error instanceof ConcurrentReservationError) options.logger.info({ orderId }, error.message);
          throw error;
        }
        return;
      }
      case 'shop.inventory.stock.release': {
        const result = await once(event, (client) => operations.release(client, event.data, command));
        if (result.status === 'handled') operations.countRelease(result.result);
        return;
      }
      case 'shop.inventory.stock.commit': {
        const result = await once(event, (client) => operations.commit(client, event.data, command));
        if (result.status === 'handled') operations.countCommit(result.result);
        return;
      }
      default:
        // A valid event of another type on the commands topic: a producer bug; keep it for people to look at.
        throw new PermanentError(`inventory does not handle ${event.type} on its commands topic`);
    }
  };
}
