// Idempotent consumption. The handled event's id is inserted into `inbox` in the same transaction
// as the handler's effect: either both commit or neither does, so a redelivered event (Kafka is
// at-least-once; the outbox relay may publish twice after a crash) finds its id and is skipped.
// Two deliveries racing (a rebalance hands the partition over mid-message) are safe too: the second
// INSERT waits on the first's uncommitted key and then sees the conflict.
import { Counter, type Registry } from 'prom-client';
import { withTransaction, type Pool, type PoolClient } from '../db/index.ts';

export interface InboxMetrics {
  handled: Counter<'consumer_group'>;
  duplicates: Counter<'consumer_group'>;
}

export function inboxMetrics(registry: Registry): InboxMetrics {
  const counter = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Counter<'consumer_group'> | undefined) ??
    new Counter({ name, help, labelNames: ['consumer_group'], registers: [registry] });
  return {
    handled: counter('inbox_events_handled_total', 'Events whose effect was applied, by consumer group.'),
    duplicates: counter('inbox_duplicates_skipped_total', 'Redelivered events skipped because the inbox had them, by consumer group.'),
  };
}

/** What the inbox needs of an event: its id (the dedup key) and type (for operators reading the table). */
export interface InboxEvent {
  id: string;
  type: string;
}

export type InboxOutcome<T> = { status: 'handled'; result: T } | { status: 'duplicate' };

const RECORD = `
  INSERT INTO inbox (consumer_group, event_id, event_type) VALUES ($1, $2::uuid, $3)
  ON CONFLICT (consumer_group, event_id) DO NOTHING`;

/**
 * Runs `effect` once per (consumer group, event id): in one transaction, records the id and applies
 * the effect with the same client. A duplicate commits nothing and is counted. If the effect throws,
 * nothing is recorded and the error propagates (the consumer retries or dead-letters it).
 */
export async function handleOnce<T>(
  pool: Pool,
  consumerGroup: string,
  event: InboxEvent,
  effect: (client: PoolClient) => Promise<T>,
  metrics?: InboxMetrics,
): Promise<InboxOutcome<T>> {
  const outcome = await withTransaction(pool, async (client): Promise<InboxOutcome<T>> => {
    const { rowCount } = await client.query(RECORD, [consumerGroup, event.id, event.type]);
    if (rowCount === 0) return { status: 'duplicate' };
    return { status: 'handled', result: await effect(client) };
  });
  const counter = outcome.status === 'handled' ? metrics?.handled : metrics?.duplicates;
  counter?.inc({ consumer_group: consumerGroup });
  return outcome;
}

/**
 * Deletes inbox rows handled before `before`; returns how many. Choose `before` older than the
 * topics' retention (plus the longest consumer outage you tolerate): only then can no redelivery
 * of those events arrive any more.
 */
export async function pruneInbox(pool: Pool, before: Date): Promise<number> {
  const { rowCount } = await pool.query('DELETE FROM inbox WHERE handled_at < $1', [before]);
  return rowCount ?? 0;
}
