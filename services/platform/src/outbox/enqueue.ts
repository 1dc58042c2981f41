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
 * aggregate's row lock (if any) is taken before the outbox key lock.
 */
export async function enqueue(client: Queryable, event: ShopEvent, options: EnqueueOptions = {}): Promise<void> {
  const wire = JSON.stringify(event);
  const parsed = parseEvent(wire);
  if (!parsed.ok) throw new InvalidEventError(parsed.reason, parsed.detail);
  const topic = options.topic ?? topicFor(parsed.event.type);
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
