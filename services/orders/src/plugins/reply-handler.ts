// The orchestrator's consumer: participants' replies (inventory, payments, shipping events topics)
// are applied to their orders through the saga store. The facts those topics also carry and orders
// does not act on (low stock, delivery progress) are skipped; anything else there — a command, an
// order fact — does not belong and is dead-lettered with the reason.
import { InvalidEventError } from '@shopwatch/contracts';
import { PermanentError, type EventHandler, type InboxMetrics } from '@shopwatch/platform';
import { isReply } from '../domain/saga.ts';
import type { SagaStore } from './saga-store.ts';

/** Facts on the participants' topics that are not replies to orders' commands. */
const IGNORED: ReadonlySet<string> = new Set([
  'shop.inventory.stock.low',
  'shop.shipping.shipment.dispatched',
  'shop.shipping.shipment.in-transit',
  'shop.shipping.shipment.delivered',
]);

export function createReplyHandler(options: { store: SagaStore; consumerGroup: string; inboxMetrics?: InboxMetrics }): EventHandler {
  return async (event) => {
    if (isReply(event)) {
      try {
        await options.store.applyReply(options.consumerGroup, event, options.inboxMetrics);
      } catch (error) {
        // A command this reply would lead to cannot be built (a bug, not an outage): retrying would
        // hold the partition for every other order, so dead-letter it; the order's step times out
        // and compensates instead.
        if (error instanceof InvalidEventError) throw new PermanentError(error.message);
        throw error;
      }
      return;
    }
    if (IGNORED.has(event.type)) return;
    throw new PermanentError(`orders does not consume ${event.type}`);
  };
}
