// Analytics process through the platform's startService; analytics' own: the domain-event handler,
// the buffered clicks (flushed with the jobs on SIGTERM) and the hourly pruning of old aggregates.
import { inboxMetrics, RecurringJob, startService } from '@shopwatch/platform';
import { loadAnalyticsConfig } from './config.ts';

startService({
  name: 'analytics',
  config: () => loadAnalyticsConfig(),
  async start({ config, logger, database, faults }) {
    const { buildAnalyticsApp } = await import('./app.ts');
    const { migrateAnalytics } = await import('./migrate.ts');
    const { createDomainEventHandler } = await import('./plugins/domain-events.ts');
    const { pruneFunnel } = await import('./plugins/funnel-store.ts');
    const pool = await database(migrateAnalytics);
    const app = await buildAnalyticsApp({
      faults: faults(),
      pool,
      logger,
      jwt: { secret: config.JWT_SECRET },
      clickFlushIntervalMs: config.CLICK_FLUSH_INTERVAL_MS,
      rateLimit: { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS, trustForwardedFor: config.RATE_LIMIT_TRUST_FORWARDED_FOR },
    });
    const topics = [config.CATALOG_VIEWS_TOPIC, config.ORDERS_EVENTS_TOPIC, config.SUPPORT_EVENTS_TOPIC];
    const events = {
      groupId: config.CONSUMER_GROUP,
      topics,
      fromBeginning: config.CONSUMER_FROM_BEGINNING,
      deadLetterTopic: config.DEAD_LETTER_TOPIC,
      handler: createDomainEventHandler({ pool, consumerGroup: config.CONSUMER_GROUP, metrics: app.analyticsMetrics, inboxMetrics: inboxMetrics(app.metrics.registry) }),
    };
    const pruning = new RecurringJob(
      async () => {
        const now = Date.now();
        const removed = await pruneFunnel(pool, {
          minutes: new Date(now - config.FUNNEL_RETENTION_DAYS * 86_400_000),
          sessions: new Date(now - config.SESSION_RETENTION_HOURS * 3_600_000),
        });
        if (removed > 0) logger.info({ removed }, 'old aggregates pruned');
      },
      { onError: (error) => logger.warn({ err: error }, 'pruning failed, will retry') },
    );
    return {
      app,
      topics: config.EVENT_CONSUMER ? [...topics, config.DEAD_LETTER_TOPIC] : [],
      consumers: config.EVENT_CONSUMER ? [events] : [],
      jobs: [
        { name: 'click buffer', job: { stop: () => app.clickBuffer.close() } },
        { name: 'funnel pruning', job: pruning, everyMs: 3_600_000 },
      ],
    };
  },
});
