// Outbox metrics on the registry the service passes in. The backlog gauges are computed on
// scrape (one cheap aggregate over a table that stays small while the relay keeps up).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Pool } from '../db/index.ts';

export interface OutboxMetrics {
  published: Counter<'topic'>;
  publishLatency: Histogram<'topic'>;
  batches: Counter<'outcome'>;
}

export function outboxMetrics(registry: Registry, pool: Pool): OutboxMetrics {
  const existing = registry.getSingleMetric('outbox_published_total');
  if (existing) {
    return {
      published: existing as Counter<'topic'>,
      publishLatency: registry.getSingleMetric('outbox_publish_latency_seconds') as Histogram<'topic'>,
      batches: registry.getSingleMetric('outbox_relay_batches_total') as Counter<'outcome'>,
    };
  }
  // Each gauge queries for itself: prom-client collects metrics concurrently, so one query
  // setting both would leave one of them a scrape behind. A failed query keeps the last value:
  // readiness reports the database, the scrape must still succeed.
  new Gauge({
    name: 'outbox_backlog_events',
    help: 'Events in the outbox not yet published.',
    registers: [registry],
    async collect() {
      const value = await scalar(pool, 'SELECT count(*)::float8 AS value FROM outbox');
      if (value !== undefined) this.set(value);
    },
  });
  new Gauge({
    name: 'outbox_oldest_event_age_seconds',
    help: 'Age of the oldest unpublished outbox event (0 when empty); alert on this rather than on the backlog.',
    registers: [registry],
    async collect() {
      const value = await scalar(
        pool,
        'SELECT coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float8 AS value FROM outbox',
      );
      if (value !== undefined) this.set(value);
    },
  });
  return {
    published: new Counter({
      name: 'outbox_published_total',
      help: 'Events published from the outbox by topic.',
      labelNames: ['topic'],
      registers: [registry],
    }),
    publishLatency: new Histogram({
      name: 'outbox_publish_latency_seconds',
      help: 'Time from enqueue (in the producing transaction) to Kafka acknowledging the event.',
      labelNames: ['topic'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    batches: new Counter({
      name: 'outbox_relay_batches_total',
      help: 'Relay batches by outcome (published; deferred: every claimed event waits behind an earlier one of its key; empty; failed).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

async function scalar(pool: Pool, sql: string): Promise<number | undefined> {
  try {
    const { rows } = await pool.query<{ value: number }>(sql);
    return rows[0]?.value;
  } catch {
    return undefined;
  }
}
