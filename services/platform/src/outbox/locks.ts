// Advisory-lock namespaces (the first half of PostgreSQL's two-integer advisory lock key), so the
// outbox's locks never collide with locks taken elsewhere. The second half is hashtext(event_key);
// a hash collision only makes two keys wait for each other, it never breaks ordering.

/** Held by a transaction that enqueues events for a key, until it commits. */
export const ENQUEUE_KEY_LOCK = 0x6f62_0001;
/** Held by the relay transaction that is publishing a key's events, until it commits. */
export const RELAY_KEY_LOCK = 0x6f62_0002;
