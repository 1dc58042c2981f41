// Analytics process: validate config, start tracing (before anything it instruments is imported),
// migrate, build the app, consume domain events, prune old aggregates, listen; shut down in
// reverse on SIGTERM.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { AnalyticsConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(AnalyticsConfigSchema);
  const tracing = await startTracing({
    service: 'analytics',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { buildAnalyticsApp } = await import('./app.ts');
  const { migrateAnalytics } = await import('./migrate.ts');
  const { createDomainEventHandler } = await import('./plugins/domain-events.ts');
  const { pruneFunnel } = await import('./plugins/funnel-store.ts');

  const logger = createLogger({ service: 'analytics', level: config.LOG_LEVEL });
  if (config.RUN_MIGRATIONS) {
    const applied = await migrateAnalytics(config.DATABASE_URL);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const pool = platform.createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'analytics' });
  const faults = platform.watchFaults({ schema: platform.HttpFaultsSchemaFile, file: config.FAULTS_FILE, logger });
  const app = await buildAnalyticsApp({
    faults,
    pool,
    logger,
    jwt: { secret: config.JWT_SECRET },
    clickFlushIntervalMs: config.CLICK_FLUSH_INTERVAL_MS,
    rateLimit: { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS, trustForwardedFor: config.RATE_LIMIT_TRUST_FORWARDED_FOR },
  });

  // Shutdown order (one onClose hook, after in-flight requests finished): buffered clicks are
  // written, the consumer finishes the event in hand and commits, the pruning timer stops, and
  // only then the pool closes.
  const stops: Array<() => Promise<void>> = [() => app.clickBuffer.close()];
  if (config.EVENT_CONSUMER) {
    const kafka = platform.createKafkaClient({ brokers: platform.parseBrokers(config.KAFKA_BROKERS), clientId: 'analytics', logger });
    const topics = [config.CATALOG_VIEWS_TOPIC, config.ORDERS_EVENTS_TOPIC, config.SUPPORT_EVENTS_TOPIC];
    if (config.KAFKA_ENSURE_TOPICS) await platform.ensureTopics(kafka, [...topics, config.DEAD_LETTER_TOPIC]);
    stops.push(
      await platform.attachEventConsumer(app, {
        client: kafka,
        groupId: config.CONSUMER_GROUP,
        topics,
        fromBeginning: config.CONSUMER_FROM_BEGINNING,
        deadLetterTopic: config.DEAD_LETTER_TOPIC,
        logger,
        inbox: { pool, retentionHours: config.INBOX_RETENTION_HOURS },
        handler: createDomainEventHandler({
          pool,
          consumerGroup: config.CONSUMER_GROUP,
          metrics: app.analyticsMetrics,
          inboxMetrics: platform.inboxMetrics(app.metrics.registry),
        }),
      }),
    );
  }
  const prune = async () => {
    const now = Date.now();
    const removed = await pruneFunnel(pool, {
      minutes: new Date(now - config.FUNNEL_RETENTION_DAYS * 86_400_000),
      sessions: new Date(now - config.SESSION_RETENTION_HOURS * 3_600_000),
    });
    if (removed > 0) logger.info({ removed }, 'old aggregates pruned');
  };
  const pruning = new platform.RecurringJob(prune, { onError: (error) => logger.warn({ err: error }, 'pruning failed, will retry') });
  pruning.start(3_600_000);
  stops.push(() => pruning.stop());
  app.addHook('onClose', async () => {
    for (const stop of stops) await stop();
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled }, 'analytics listening');
});
