// Shipping's Kafka handler: saga commands from orders (create, cancel) and orders' facts
// (confirmed → schedule dispatch, cancelled → cancel a pending shipment). Every message's effect
// runs through the inbox (`handleOnce`) in one transaction with its reply, so a redelivery has no
// second effect; a reply's id is derived from its command's id, so a reply sent twice is one event.
import { setTimeout as sleep } from 'node:timers/promises';
import { handleOnce, PermanentError, type EventHandler, type InboxMetrics, type Logger, type Pool, type PoolClient } from '@shopwatch/platform';
import type { Counted, ShippingOperations } from './shipping-operations.ts';

export interface CommandHandlerOptions {
  pool: Pool;
  operations: ShippingOperations;
  consumerGroup: string;
  inboxMetrics?: InboxMetrics;
  logger?: Logger;
}

export function createCommandHandler(options: CommandHandlerOptions): EventHandler {
  const { pool, operations, consumerGroup } = options;

  async function once<T>(event: { id: string; type: string }, effect: (client: PoolClient) => Promise<Counted<T>>): Promise<void> {
    const outcome = await handleOnce(pool, consumerGroup, event, effect, options.inboxMetrics);
    if (outcome.status === 'handled') outcome.result.count();
  }

  return async (event, message) => {
    switch (event.type) {
      case 'shop.shipping.shipment.create': {
        const { processingDelayMs } = operations.faults();
        if (processingDelayMs > 0) {
          // Aborted on shutdown: the command is redelivered to whoever takes the partition.
          await sleep(processingDelayMs, undefined, { signal: message.signal });
        }
        await once(event, (client) => operations.create(client, event));
        return;
      }
      case 'shop.shipping.shipment.cancel':
        await once(event, (client) => operations.cancel(client, event));
        return;
      case 'shop.orders.order.confirmed':
        await once(event, (client) => operations.orderConfirmed(client, event));
        return;
      case 'shop.orders.order.cancelled':
        await once(event, (client) => operations.orderCancelled(client, event));
        return;
      case 'shop.orders.order.placed':
        // Nothing to do until the saga asks for a shipment.
        return;
      default:
        throw new PermanentError(`shipping does not handle ${event.type}`);
    }
  };
}
