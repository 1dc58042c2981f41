// Deterministic event ids (name-based UUIDs, the platform's nameBasedUuid): a reply's id comes
// from the command it answers, a progress fact's from the shipment and the step, so handling
// anything twice produces the same event and downstream inboxes drop the copy.
import { nameBasedUuid, replyEventId as replyEventIdIn } from '@shopwatch/platform';

/** Shipping's namespace for name-based ids (a fixed random UUID). */
export const SHIPPING_NAMESPACE = 'b7d2e0c4-58a1-4f3e-9a6d-1c0e8f47a2b9';

/** The id of the (single) reply to command `commandId`. */
export function replyEventId(commandId: string): string {
  return replyEventIdIn(SHIPPING_NAMESPACE, commandId);
}

/** The id of the fact that shipment `shipmentId` reached `status`. */
export function progressEventId(shipmentId: string, status: string): string {
  return nameBasedUuid(SHIPPING_NAMESPACE, `progress:${shipmentId}:${status}`);
}
