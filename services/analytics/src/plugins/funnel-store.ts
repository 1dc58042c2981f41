// Analytics' SQL: minute buckets per stage and source, sessions per stage and minute.
import type { Pool, PoolClient } from '@shopwatch/platform';
import { aggregate, type FunnelHit, type RecordedStage, type Source } from '../domain/funnel.ts';

type Db = Pool | PoolClient;

/**
 * Adds hits to their minute buckets and records their sessions, with the caller's client (inside
 * its transaction: the inbox's for domain events). Rows are written in one sorted order, so two
 * writers adding to the same buckets wait for each other instead of deadlocking.
 */
export async function recordHits(client: Db, hits: readonly FunnelHit[]): Promise<void> {
  if (hits.length === 0) return;
  const rows = aggregate(hits);
  await client.query(
    `INSERT INTO analytics_funnel_minutes (minute, stage, source, events)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[])
     ON CONFLICT (minute, stage, source) DO UPDATE SET events = analytics_funnel_minutes.events + EXCLUDED.events`,
    [rows.map((r) => r.minute), rows.map((r) => r.stage), rows.map((r) => r.source), rows.map((r) => r.events)],
  );
  const sessions = [...new Map(hits.filter((h) => h.sessionId).map((h) => [`${h.stage}|${h.minute.toISOString()}|${h.sessionId}`, h])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, h]) => h);
  if (sessions.length === 0) return;
  await client.query(
    `INSERT INTO analytics_funnel_sessions (stage, minute, session_id)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[])
     ON CONFLICT DO NOTHING`,
    [sessions.map((h) => h.stage), sessions.map((h) => h.minute), sessions.map((h) => h.sessionId)],
  );
}

export interface WindowTotals {
  events: Array<{ stage: RecordedStage; source: Source; events: number }>;
  sessions: Array<{ stage: RecordedStage; sessions: number }>;
}

/** Sums of the buckets from `from` on, and distinct sessions per stage over the same minutes. */
export async function windowTotals(db: Db, from: Date): Promise<WindowTotals> {
  const [events, sessions] = await Promise.all([
    db.query<{ stage: RecordedStage; source: Source; events: string }>(
      'SELECT stage, source, sum(events) AS events FROM analytics_funnel_minutes WHERE minute >= $1 GROUP BY stage, source',
      [from],
    ),
    db.query<{ stage: RecordedStage; sessions: string }>(
      'SELECT stage, count(DISTINCT session_id) AS sessions FROM analytics_funnel_sessions WHERE minute >= $1 GROUP BY stage',
      [from],
    ),
  ]);
  return {
    events: events.rows.map((r) => ({ stage: r.stage, source: r.source, events: Number(r.events) })),
    sessions: sessions.rows.map((r) => ({ stage: r.stage, sessions: Number(r.sessions) })),
  };
}

/** Deletes buckets and session rows older than their retention; returns how many rows went. */
export async function pruneFunnel(db: Db, before: { minutes: Date; sessions: Date }): Promise<number> {
  const minutes = await db.query('DELETE FROM analytics_funnel_minutes WHERE minute < $1', [before.minutes]);
  const sessions = await db.query('DELETE FROM analytics_funnel_sessions WHERE minute < $1', [before.sessions]);
  return (minutes.rowCount ?? 0) + (sessions.rowCount ?? 0);
}
