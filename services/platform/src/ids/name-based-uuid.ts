// Deterministic ids (name-based UUIDs, RFC 9562 §5.5, version 5: SHA-1 of a namespace and a name).
// A reply's id comes from the command it answers, so handling the same command twice (a
// redelivery, a replayed topic, a restored database) produces the same event and the receiver's
// inbox drops the copy (docs/architecture.md §4). Each service names its own namespace (a fixed
// random UUID), so two services answering the same command never produce the same id.
import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The version-5 UUID of `name` within `namespace` (a UUID). */
export function nameBasedUuid(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new Error(`namespace must be a UUID: ${namespace}`);
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the reply to command `commandId`. A service that may answer one command with several
 * kinds of reply (reserved, then released) passes the reply's `type`, so each kind has its own id.
 */
export function replyEventId(namespace: string, commandId: string, type?: string): string {
  return nameBasedUuid(namespace, type === undefined ? `reply:${commandId}` : `reply:${type}:${commandId}`);
}
