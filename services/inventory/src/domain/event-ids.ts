// Deterministic event ids. A reply's id is derived from the id of the command it answers, so if
// the same command is ever handled twice (a replayed topic, a restored database) the replies are
// the same event and consumers deduplicate them with their inbox. Name-based UUIDs (RFC 9562 §5.5,
// version 5: SHA-1 of a namespace and a name).
import { createHash } from 'node:crypto';

/** Inventory's own namespace for name-based ids (a fixed random UUID). */
export const INVENTORY_NAMESPACE = '6f1c7a52-3d0e-4b8a-9c5e-2a71d4e0b93f';

export function nameBasedUuid(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace must be a UUID: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of the reply of `type` to command `commandId`. */
export function replyEventId(commandId: string, type: string): string {
  return nameBasedUuid(INVENTORY_NAMESPACE, `reply:${type}:${commandId}`);
}

/** The id of the fact that the sweeper released order `orderId`'s reservation. */
export function expiryEventId(orderId: string): string {
  return nameBasedUuid(INVENTORY_NAMESPACE, `expired:${orderId}`);
}

/** The id of a low-stock fact: one per product per crossing, identified by the crossing's cause. */
export function lowStockEventId(productId: string, cause: string): string {
  return nameBasedUuid(INVENTORY_NAMESPACE, `low:${productId}:${cause}`);
}
