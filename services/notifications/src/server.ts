// Notifications process: validate config, start tracing (before anything it instruments is
// imported), migrate, build the app, provision topics, consume order and shipment events, run the
// dispatcher, listen; on SIGTERM the consumer stops (commits), the dispatcher finishes its round,
// the dead-letter producer flushes, then the pool closes.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { NotificationsConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(NotificationsConfigSchema);
  const tracing = await startTracing({
    service: 'notifications',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { DEAD_LETTER_TOPIC } = await import('@shopwatch/contracts');
  const { buildNotificationsApp } = await import('./app.ts');
  const { migrateNotifications } = await import('./migrate.ts');
  const { createEventHandler } = await import('./plugins/event-handler.ts');
  const { NotificationsFaultsFileSchema } = await import('./schemas/faults.ts');

  const logger = createLogger({ service: 'notifications', level: config.LOG_LEVEL });
  if (config.RUN_MIGRATIONS) {
    const applied = await migrateNotifications(config.DATABASE_URL);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const pool = platform.createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'notifications' });
  const faults = platform.watchFaults({ schema: NotificationsFaultsFileSchema, file: config.FAULTS_FILE, logger });
  const kafka = platform.createKafkaClient({ brokers: platform.parseBrokers(config.KAFKA_BROKERS), clientId: 'notifications', logger });
  if (config.KAFKA_ENSURE_TOPICS) await platform.ensureTopics(kafka, [config.ORDERS_EVENTS_TOPIC, config.SHIPPING_EVENTS_TOPIC, DEAD_LETTER_TOPIC]);

  // The dead-letter producer registers its metrics with the app's registry, so it is made after the
  // app; the dispatcher reaches it through this holder (it is connected before the dispatcher starts).
  const holder: { producer?: ReturnType<typeof platform.createEventProducer> } = {};
  const app = await buildNotificationsApp({
    pool,
    logger,
    faults,
    jwt: { secret: config.JWT_SECRET },
    retry: { maxAttempts: config.NOTIFY_MAX_ATTEMPTS, initialDelayMs: config.NOTIFY_RETRY_INITIAL_DELAY_MS, maxDelayMs: config.NOTIFY_RETRY_MAX_DELAY_MS },
    batchSize: config.DISPATCH_BATCH_SIZE,
    leaseMs: config.CLAIM_LEASE_MS,
    recipientWaitMs: config.RECIPIENT_WAIT_MS,
    consumerGroup: config.CONSUMER_GROUP,
    deadLetter: async (message) => {
      if (!holder.producer) throw new Error('dead-letter producer not ready');
      await holder.producer.deadLetter(message);
    },
  });
  const deadLetters = platform.createEventProducer({ client: kafka, registry: app.metrics.registry });
  await deadLetters.connect();
  holder.producer = deadLetters;

  const stops: Array<() => Promise<void>> = [];
  if (config.EVENT_CONSUMER) {
    stops.push(
      await platform.attachEventConsumer(app, {
        client: kafka,
        groupId: config.CONSUMER_GROUP,
        topics: [config.ORDERS_EVENTS_TOPIC, config.SHIPPING_EVENTS_TOPIC],
        // A new group reads what was published before it existed: no milestone goes unannounced.
        fromBeginning: true,
        partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
        logger,
        inbox: { pool, retentionHours: config.INBOX_RETENTION_HOURS },
        handler: createEventHandler({
          pool,
          consumerGroup: config.CONSUMER_GROUP,
          metrics: app.notificationsMetrics,
          now: () => new Date(),
          inboxMetrics: platform.inboxMetrics(app.metrics.registry),
          onStored: () => app.dispatcher.wake(),
        }),
      }),
    );
  }
  if (config.DISPATCHER) app.dispatcher.start(config.DISPATCH_INTERVAL_MS);
  stops.push(() => app.dispatcher.stop());
  app.readiness.add('kafka', async () => {
    if (!deadLetters.isConnected()) throw new Error('dead-letter producer not connected');
  });
  stops.push(() => deadLetters.disconnect());
  app.addHook('onClose', async () => {
    for (const stop of stops) await stop();
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled }, 'notifications listening');
});
