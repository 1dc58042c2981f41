// attachEventConsumer: the consumer wiring every service shares — readiness follows the group
// membership, handled events reach the handler, old inbox rows are pruned, stop leaves the group.
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createEventProducer, createLogger, handleOnce, inboxMetrics, type App, type EventProducer } from '../../src/index.ts';
import { attachEventConsumer } from '../../src/inbox/index.ts';
import { createTestTopics, productViewed, type TestTopics } from '../kafka/fixtures.ts';
import { createMigratedDatabase, type MigratedDatabase } from '../outbox/database.ts';

let db: MigratedDatabase;
let topics: TestTopics;
let producer: EventProducer;
let app: App;
const groupId = `attach-consumer-${process.pid}-${Date.now()}`;
const seen: string[] = [];

beforeAll(async () => {
  db = await createMigratedDatabase('attach_consumer');
  topics = await createTestTopics('attach-consumer', 2);
  producer = createEventProducer({ client: topics.client, registry: new Registry(), topicOf: () => topics.topic });
  await producer.connect();
  app = await createApp({ service: 'attach-consumer-test', logger: createLogger({ service: 'attach-consumer-test', level: 'warn' }) });
});

afterAll(async () => {
  await app?.close();
  await producer?.disconnect();
  await db?.close();
  await topics?.cleanup();
});

async function readyStatus(): Promise<{ status: number; body: string }> {
  const response = await app.inject({ method: 'GET', url: '/readyz' });
  return { status: response.statusCode, body: response.body };
}

describe('attachEventConsumer', () => {
  let stop: () => Promise<void>;

  it('becomes ready once the group is joined; handled events go through the inbox', async () => {
    // A row handled "a year ago" that the first prune must remove, and a fresh one it must keep.
    await db.pool.query(
      `INSERT INTO inbox (consumer_group, event_id, event_type, handled_at) VALUES
         ($1, $2, 'shop.catalog.product.viewed', now() - interval '365 days'),
         ($1, $3, 'shop.catalog.product.viewed', now())`,
      [groupId, randomUUID(), randomUUID()],
    );
    const metrics = inboxMetrics(app.metrics.registry);
    stop = await attachEventConsumer(app, {
      client: topics.client,
      groupId,
      topics: [topics.topic],
      fromBeginning: true,
      deadLetterTopic: topics.deadLetterTopic,
      inbox: { pool: db.pool, retentionHours: 24, intervalMs: 200 },
      handler: async (event) => {
        await handleOnce(db.pool, groupId, event, async () => {
          seen.push(event.subject);
        }, metrics);
      },
    });
    await waitFor('consumer joined', async () => (await readyStatus()).status === 200, { timeoutMs: 30_000 });
    await producer.publish([productViewed('attached-1'), productViewed('attached-2')]);
    await waitFor('both events handled', () => seen.length === 2, { timeoutMs: 30_000 });
    expect(seen.sort()).toEqual(['attached-1', 'attached-2']);
  });

  it('prunes inbox rows older than the retention and keeps the rest', async () => {
    await waitFor(
      'old inbox row pruned',
      async () => {
        const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM inbox WHERE handled_at < now() - interval '30 days'`);
        return rows[0]?.n === '0';
      },
      { timeoutMs: 10_000 },
    );
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE consumer_group = $1', [groupId]);
    // The fresh row from the first test plus the two handled events.
    expect(rows[0]?.n).toBe('3');
  });

  it('reports the consumer as not ready once stopped', async () => {
    await stop();
    const { status, body } = await readyStatus();
    expect(status).toBe(503);
    expect(body).toContain('kafka-consumer');
  });
});
