// Deterministic event ids (name-based UUIDs, RFC 9562 version 5): a reply's id comes from the
// command it answers, a progress fact's from the shipment and the step, so handling anything twice
// produces the same event and downstream inboxes drop the copy.
import { createHash } from 'node:crypto';

/** Shipping's namespace for name-based ids (a fixed random UUID). */
export const SHIPPING_NAMESPACE = 'b7d2e0c4-58a1-4f3e-9a6d-1c0e8f47a2b9';

export function nameBasedUuid(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace must be a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of the (single) reply to command `commandId`. */
export function replyEventId(commandId: string): string {
  return nameBasedUuid(SHIPPING_NAMESPACE, `reply:${commandId}`);
}

/** The id of the fact that shipment `shipmentId` reached `status`. */
export function progressEventId(shipmentId: string, status: string): string {
  return nameBasedUuid(SHIPPING_NAMESPACE, `progress:${shipmentId}:${status}`);
}
