// Writing events to the outbox inside the caller's transaction: the event is published if and
// only if the state change commits.
import { InvalidEventError, parseEvent, topicFor, type ShopEvent } from '@shopwatch/contracts';
import type { Queryable } from '../db/index.ts';
import { activeTraceHeaders } from '../kafka/index.ts';
import { ENQUEUE_KEY_LOCK } from './locks.ts';

export interface EnqueueOptions {
  /** Overrides the registry's topic for this event (tests route to unique topics with it). */
  topic?: string;
}

// The CTE takes a transaction-scoped advisory lock on the key before the row (and so its `seq`)
// is created. A second transaction enqueueing for the same key waits until the first commits or
// rolls back, so for one key `seq` order is commit order, and a relay can never see a later event
// of a key while an earlier one is still uncommitted. Different keys never wait for each other.
// The same event id twice is ignored: retried operations may re-enqueue what they already wrote.
const INSERT = `
  WITH key_lock AS (SELECT pg_advisory_xact_lock($1::int, hashtext($2::text)))
  INSERT INTO outbox (event_id, event_type, topic, event_key, envelope, trace_headers)
  SELECT $3::uuid, $4, $5, $2::text, $6::jsonb, $7::jsonb FROM key_lock
  ON CONFLICT (event_id) DO NOTHING`;

/**
 * Records `event` in the outbox using `client`, which must be inside the transaction that makes
 * the state change. Validates the event first (throws InvalidEventError) and captures the active
 * trace context so consumers continue the trace. Call it after the state change's writes, so the
 * aggregate's row lock (if any) is taken before the outbox key lock. A transaction writing events
 * for several keys should use {@link enqueueAll}.
 */
export async function enqueue(client: Queryable, event: ShopEvent, options: EnqueueOptions = {}): Promise<void> {
  const { wire, topic } = validated(event, options);
  await client.query(INSERT, [
    ENQUEUE_KEY_LOCK,
    event.subject,
    event.id,
    event.type,
    topic,
    wire,
    JSON.stringify(activeTraceHeaders()),
  ]);
}

// Several keys in one transaction: take all their locks first, in one fixed order (ascending lock
// key), so two transactions enqueueing overlapping sets of keys cannot deadlock. array_agg's
// ORDER BY fixes the order and unnest scans the array in that order. Then one multi-row INSERT,
// whose rows get their seq in array (= caller's) order.
const LOCK_KEYS = `
  SELECT pg_advisory_xact_lock($1::int, lock_key)
  FROM unnest((SELECT array_agg(DISTINCT hashtext(k) ORDER BY hashtext(k)) FROM unnest($2::text[]) AS k)) AS lock_key`;
const INSERT_MANY = `
  INSERT INTO outbox (event_id, event_type, topic, event_key, envelope, trace_headers)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
  ON CONFLICT (event_id) DO NOTHING`;

/**
 * Records several events in one round trip, in the given order (the order they are published in
 * per key). Use it rather than repeated `enqueue` calls when one transaction writes events for
 * several keys: it takes the keys' locks in a fixed order, so concurrent transactions cannot
 * deadlock on them. Validates every event before writing any.
 */
export async function enqueueAll(
  client: Queryable,
  events: readonly ShopEvent[],
  options: EnqueueOptions = {},
): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => ({ event, ...validated(event, options) }));
  const traceHeaders = JSON.stringify(activeTraceHeaders());
  await client.query(LOCK_KEYS, [ENQUEUE_KEY_LOCK, [...new Set(events.map((event) => event.subject))]]);
  await client.query(INSERT_MANY, [
    rows.map((row) => row.event.id),
    rows.map((row) => row.event.type),
    rows.map((row) => row.topic),
    rows.map((row) => row.event.subject),
    rows.map((row) => row.wire),
    rows.map(() => traceHeaders),
  ]);
}

function validated(event: ShopEvent, options: EnqueueOptions): { wire: string; topic: string } {
  const wire = JSON.stringify(event);
  const parsed = parseEvent(wire);
  if (!parsed.ok) throw new InvalidEventError(parsed.reason, parsed.detail);
  return { wire, topic: options.topic ?? topicFor(parsed.event.type) };
}
