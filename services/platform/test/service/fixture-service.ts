// A small service started the way every Shopwatch service is: startService with a database, the
// faults watcher, an event consumer, a recurring job, the outbox relay and a client of its own.
// The process test drives it; what a real service adds on top is only its domain.
import { fileURLToPath } from 'node:url';
import { makeEvent } from '@shopwatch/contracts';
import {
  createApp,
  enqueue,
  loadConfig,
  migrate,
  RecurringJob,
  startService,
  Topic,
  withAuth,
  withBaseConfig,
  withConsumer,
  withDatabase,
  withKafka,
  withOutboxRelay,
  withTopics,
  withTransaction,
} from '../../src/index.ts';

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

const FixtureConfigSchema = withBaseConfig({
  ...withDatabase(),
  ...withKafka(),
  ...withTopics(),
  ...withOutboxRelay(),
  ...withAuth(),
  ...withConsumer('EVENT_CONSUMER', 'fixture'),
  FIXTURE_TOPIC: Topic('test.fixture'),
});

startService({
  name: 'fixture',
  config: () => loadConfig(FixtureConfigSchema),
  async start({ config, logger, database, faults, onClose }) {
    const pool = await database((databaseUrl) => migrate({ databaseUrl, dir: MIGRATIONS }));
    faults();
    onClose('clients', 'fixture client', () => logger.info('fixture client closing'));
    const app = await createApp({ service: 'fixture', logger });
    // A query that takes `ms` to answer: the drain test keeps several in flight across SIGTERM
    // (they need the pool, which must close only after them).
    app.get<{ Querystring: { ms?: string } }>('/slow', async (request) => {
      await pool.query('SELECT pg_sleep($1)', [Number(request.query.ms ?? 0) / 1000]);
      return { slept: true };
    });
    // A note stored with its event in one transaction; the relay publishes it, the consumer logs it.
    app.post<{ Body: { id: string } }>('/notes', async (request, reply) => {
      await withTransaction(pool, async (client) => {
        await client.query('INSERT INTO fixture_notes (id) VALUES ($1)', [request.body.id]);
        await enqueue(client, makeEvent('shop.catalog.product.viewed', request.body.id, { productId: request.body.id }, { source: '/services/fixture', now: () => new Date() }), { topic: config.FIXTURE_TOPIC });
      });
      return reply.code(202).send({ id: request.body.id });
    });
    const ticks = new RecurringJob(async () => logger.debug('fixture job tick'), { onError: () => undefined });
    return {
      app,
      topics: [config.FIXTURE_TOPIC],
      consumers: config.EVENT_CONSUMER
        ? [{ groupId: config.CONSUMER_GROUP, topics: [config.FIXTURE_TOPIC], fromBeginning: true, handler: async (event) => logger.info({ subject: event.subject }, 'fixture event handled') }]
        : [],
      jobs: [{ name: 'fixture job', job: ticks, everyMs: 100 }],
      outboxRelay: config.OUTBOX_RELAY,
      listening: { fixture: true },
    };
  },
});
