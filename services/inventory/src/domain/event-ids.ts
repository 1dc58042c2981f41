// Deterministic event ids. A reply's id is derived from the id of the command it answers, so if
// the same command is ever handled twice (a replayed topic, a restored database) the replies are
// the same event and consumers deduplicate them with their inbox. Name-based UUIDs (RFC 9562 §5.5,
// version 5: SHA-1 of a namespace and a name; the platform's nameBasedUuid).
import { nameBasedUuid, replyEventId as replyEventIdIn } from '@shopwatch/platform';

/** Inventory's own namespace for name-based ids (a fixed random UUID). */
export const INVENTORY_NAMESPACE = '6f1c7a52-3d0e-4b8a-9c5e-2a71d4e0b93f';

/** The id of the reply of `type` to command `commandId`. */
export function replyEventId(commandId: string, type: string): string {
  return replyEventIdIn(INVENTORY_NAMESPACE, commandId, type);
}

/** The id of the fact that the sweeper released order `orderId`'s reservation. */
export function expiryEventId(orderId: string): string {
  return nameBasedUuid(INVENTORY_NAMESPACE, `expired:${orderId}`);
}

/** The id of a low-stock fact: one per product per crossing, identified by the crossing's cause. */
export function lowStockEventId(productId: string, cause: string): string {
  return nameBasedUuid(INVENTORY_NAMESPACE, `low:${productId}:${cause}`);
}
