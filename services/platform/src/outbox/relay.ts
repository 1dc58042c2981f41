// The outbox relay: moves committed events from the `outbox` table to Kafka.
//
// Several relay instances may run at once (every replica of a service runs one). Each batch is
// one transaction: claim rows → publish them (waiting for Kafka's acknowledgement) → delete them →
// commit. A crash anywhere before the commit rolls the claim back and the rows are published again
// later: delivery is at-least-once, and consumers' inboxes absorb the duplicates.
//
// Keeping one key's events in order across relays: rows are claimed with FOR UPDATE SKIP LOCKED
// (relays never block each other) *and* only if the relay also wins a transaction-scoped
// advisory lock on the row's key. A relay that holds a key's lock owns every visible event of that
// key until it commits, so another relay can neither publish a later event of that key before the
// earlier ones are acknowledged nor interleave with them. One gap remains inside a single claim:
// the scan tries each row's lock when it reaches it, so it can fail on an earlier row of a key
// (another relay holds the key), that relay commits, and the scan then wins the lock on a later
// row of the same key — claiming event 3 while event 2, never published, is still waiting. After
// the claim, a second statement (a fresh snapshot, taken while we hold every claimed key's lock)
// finds such rows and defers them to a later batch. Relays still share the work: they split
// the keys between them. We chose this over a single leader (one advisory lock for the whole relay)
// because it keeps working at full speed while instances come and go, with no failover delay,
// and over claiming whole partitions because it needs no coordination state.
import type { EventProducer } from '../kafka/index.ts';
import { parseEvent } from '@shopwatch/contracts';
import type { Registry } from 'prom-client';
import { withTransaction, type Pool, type PoolClient } from '../db/index.ts';
import type { KafkaLogger } from '../kafka/index.ts';
import { RELAY_KEY_LOCK } from './locks.ts';
import { outboxMetrics, type OutboxMetrics } from './metrics.ts';

// With the primary-key index the scan goes in seq order and the lock attempt runs only on the
// rows it reaches, so a relay locks just the keys of the batch it is taking.
const CLAIM = `
  SELECT seq, topic, event_key, envelope, trace_headers
  FROM outbox
  WHERE pg_try_advisory_xact_lock($1::int, hashtext(event_key))
  ORDER BY seq
  LIMIT $2
  FOR UPDATE SKIP LOCKED`;

// Claimed rows whose key still has an earlier event in the outbox that this batch did not claim.
// No other relay can publish this key's events while we hold its lock, and enqueuers only add later
// seqs, so what this statement sees of a claimed key is exactly what is still unpublished.
const BEHIND_AN_UNCLAIMED_EVENT = `
  SELECT claimed.seq::text AS seq
  FROM unnest($1::bigint[], $2::text[]) AS claimed(seq, event_key)
  WHERE EXISTS (
    SELECT 1 FROM outbox earlier
    WHERE earlier.event_key = claimed.event_key AND earlier.seq < claimed.seq AND earlier.seq <> ALL($1::bigint[]))`;

// The latency is measured by the database clock at deletion, i.e. after Kafka acknowledged:
// no skew between the application's clock and created_at.
const DELETE = `
  DELETE FROM outbox WHERE seq = ANY($1::bigint[])
  RETURNING topic, extract(epoch FROM clock_timestamp() - created_at)::float8 AS latency`;

interface OutboxRow {
  seq: string;
  topic: string;
  event_key: string;
  envelope: unknown;
  trace_headers: Record<string, string>;
}

export interface RelayBatchOptions {
  pool: Pool;
  producer: EventProducer;
  /** Rows per batch (default 500). */
  batchSize?: number;
  metrics?: OutboxMetrics;
  logger?: KafkaLogger;
}

/**
 * Publishes one batch and returns how many events it took out of the outbox (0 when nothing was
 * claimable). Rows that no longer pass validation (the schema changed after they were written) are
 * dead-lettered instead of blocking the outbox forever.
 */
export async function relayBatch(options: RelayBatchOptions): Promise<number> {
  const { claimed, deferred } = await relayBatchCounts(options);
  return claimed - deferred;
}

interface BatchCounts {
  /** Rows the claim returned (what the loop compares with the batch size). */
  claimed: number;
  /** Claimed rows left for a later batch because an earlier event of their key was not claimed. */
  deferred: number;
}

async function relayBatchCounts(options: RelayBatchOptions): Promise<BatchCounts> {
  const batchSize = options.batchSize ?? 500;
  return withTransaction(options.pool, async (client) => {
    const { rows: claimed } = await client.query<OutboxRow>(CLAIM, [RELAY_KEY_LOCK, batchSize]);
    if (claimed.length === 0) return { claimed: 0, deferred: 0 };
    const rows = await inKeyOrder(client, claimed);
    if (rows.length === 0) return { claimed: claimed.length, deferred: claimed.length };
    const valid: OutboxRow[] = [];
    for (const row of rows) {
      const parsed = parseEvent(row.envelope);
      if (parsed.ok) {
        valid.push(row);
        continue;
      }
      await options.producer.deadLetter({
        key: row.event_key,
        value: JSON.stringify(row.envelope),
        headers: row.trace_headers,
        origin: { reason: parsed.reason, detail: `outbox: ${parsed.detail}`, topic: row.topic },
      });
      options.logger?.error({ seq: row.seq, topic: row.topic, reason: parsed.reason }, 'outbox event dead-lettered');
    }
    await options.producer.publishRecords(
      valid.map((row) => ({ event: row.envelope, traceHeaders: row.trace_headers, topic: row.topic })),
    );
    await deleteRows(client, rows, options.metrics);
    return { claimed: claimed.length, deferred: claimed.length - rows.length };
  });
}

/** The claimed rows that may be published now: those with no unclaimed earlier event of their key. */
async function inKeyOrder(client: PoolClient, claimed: readonly OutboxRow[]): Promise<OutboxRow[]> {
  const { rows: behind } = await client.query<{ seq: string }>(BEHIND_AN_UNCLAIMED_EVENT, [
    claimed.map((row) => row.seq),
    claimed.map((row) => row.event_key),
  ]);
  if (behind.length === 0) return [...claimed];
  const deferred = new Set(behind.map((row) => row.seq));
  return claimed.filter((row) => !deferred.has(String(row.seq)));
}

async function deleteRows(client: PoolClient, rows: readonly OutboxRow[], metrics: OutboxMetrics | undefined) {
  const { rows: deleted } = await client.query<{ topic: string; latency: number }>(DELETE, [rows.map((row) => row.seq)]);
  for (const { topic, latency } of deleted) {
    metrics?.published.inc({ topic });
    metrics?.publishLatency.observe({ topic }, latency);
  }
}

export interface OutboxRelayOptions {
  pool: Pool;
  producer: EventProducer;
  registry: Registry;
  batchSize?: number;
  /** Longest wait between polls when no notification arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** Wait after a failed batch (Kafka or PostgreSQL down) before trying again (default 1000 ms). */
  errorBackoffMs?: number;
  logger?: KafkaLogger;
}

export interface OutboxRelay {
  /** For /readyz: false after the last batch failed. */
  health(): { ok: boolean; detail: string };
  /** Lets the batch in hand finish, then stops listening. */
  stop(): Promise<void>;
}

/** Starts the relay loop: a batch right away, then whenever notified or polled, until stopped. */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const errorBackoffMs = options.errorBackoffMs ?? 1_000;
  const metrics = outboxMetrics(options.registry, options.pool);
  const wake = createWakeSignal();
  let stopped = false;
  let state = { ok: true, detail: 'running' };
  let listener: PoolClient | undefined;

  async function listen(): Promise<void> {
    if (listener) return;
    const client = await options.pool.connect();
    client.on('notification', () => wake.notify());
    client.on('error', () => {
      // The connection broke: drop it; polling covers the gap and the next idle wait reconnects.
      if (listener === client) {
        listener = undefined;
        client.release(true);
      }
    });
    try {
      await client.query('LISTEN outbox');
    } catch (error) {
      client.release(true);
      throw error;
    }
    listener = client;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let claimed: number;
      let deferred: number;
      try {
        ({ claimed, deferred } = await relayBatchCounts({ ...options, batchSize, metrics }));
        metrics.batches.inc({ outcome: claimed > deferred ? 'published' : claimed > 0 ? 'deferred' : 'empty' });
        state = { ok: true, detail: 'running' };
      } catch (error) {
        metrics.batches.inc({ outcome: 'failed' });
        state = { ok: false, detail: `last batch failed: ${error instanceof Error ? error.message : String(error)}` };
        options.logger?.error({ err: error }, 'outbox relay batch failed');
        await wake.wait(errorBackoffMs);
        continue;
      }
      // More is waiting; deferred rows become claimable as soon as the relay ahead of them commits.
      if (claimed >= batchSize || deferred > 0) continue;
      try {
        await listen();
      } catch (error) {
        options.logger?.warn({ err: error }, 'outbox relay cannot LISTEN, polling only');
      }
      await wake.wait(pollIntervalMs);
    }
  }

  const running = loop();
  return {
    health: () => state,
    async stop() {
      stopped = true;
      wake.notify();
      await running;
      const client = listener;
      listener = undefined;
      // Destroy rather than return it to the pool: the connection is still LISTENing.
      client?.release(true);
      state = { ok: false, detail: 'stopped' };
    },
  };
}

/** A wait that ends after `ms` or as soon as notify() is called (also if called before waiting). */
function createWakeSignal() {
  let pending = false;
  let resolveWaiter: (() => void) | undefined;
  return {
    notify() {
      pending = true;
      resolveWaiter?.();
    },
    async wait(ms: number): Promise<void> {
      if (pending) {
        pending = false;
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, ms);
        function finish() {
          clearTimeout(timer);
          resolveWaiter = undefined;
          resolve();
        }
        resolveWaiter = finish;
      });
      pending = false;
    },
  };
}
