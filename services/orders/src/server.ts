// Orders process: validate config, start tracing (before anything it instruments is imported),
// migrate, build the app, provision topics, run the outbox relay, the reply consumer and the
// timeout sweeper, listen. On SIGTERM: the consumer stops (commits), the sweeper finishes its
// batch, the relay publishes what it holds, then the pool closes.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { OrdersConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(OrdersConfigSchema);
  const tracing = await startTracing({
    service: 'orders',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { DEAD_LETTER_TOPIC } = await import('@shopwatch/contracts');
  const { buildOrdersApp } = await import('./app.ts');
  const { migrateOrders } = await import('./migrate.ts');
  const { createReplyHandler } = await import('./plugins/reply-handler.ts');
  const { startSweeper } = await import('./plugins/saga-store.ts');

  const logger = createLogger({ service: 'orders', level: config.LOG_LEVEL });
  if (config.RUN_MIGRATIONS) {
    const applied = await migrateOrders(config.DATABASE_URL);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const pool = platform.createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'orders' });
  const faults = platform.watchFaults({ schema: platform.HttpFaultsSchemaFile, file: config.FAULTS_FILE, logger });
  const app = await buildOrdersApp({
    pool,
    logger,
    faults,
    jwt: { secret: config.JWT_SECRET },
    catalog: { baseUrl: config.CATALOG_URL, timeoutMs: config.CATALOG_TIMEOUT_MS },
    saga: { stepTimeoutMs: config.SAGA_STEP_TIMEOUT_MS, stepBudgetMs: config.SAGA_STEP_BUDGET_MS, unitWeightGrams: config.UNIT_WEIGHT_GRAMS, maxCompensationAttempts: config.SAGA_MAX_COMPENSATION_ATTEMPTS },
    topics: {
      ordersEvents: config.EVENTS_TOPIC,
      inventoryCommands: config.INVENTORY_COMMANDS_TOPIC,
      paymentsCommands: config.PAYMENTS_COMMANDS_TOPIC,
      shippingCommands: config.SHIPPING_COMMANDS_TOPIC,
    },
  });

  const kafka = platform.createKafkaClient({ brokers: platform.parseBrokers(config.KAFKA_BROKERS), clientId: 'orders', logger });
  const replyTopics = [config.INVENTORY_EVENTS_TOPIC, config.PAYMENTS_EVENTS_TOPIC, config.SHIPPING_EVENTS_TOPIC];
  if (config.KAFKA_ENSURE_TOPICS) {
    const partitions = config.KAFKA_TOPIC_PARTITIONS;
    const topics = [
      config.EVENTS_TOPIC,
      config.INVENTORY_COMMANDS_TOPIC,
      config.PAYMENTS_COMMANDS_TOPIC,
      config.SHIPPING_COMMANDS_TOPIC,
      ...replyTopics,
    ];
    await platform.ensureTopics(kafka, [...new Set(topics)].map((topic) => ({ topic, partitions })).concat([{ topic: DEAD_LETTER_TOPIC, partitions: 1 }]));
  }

  const stops: (() => Promise<void>)[] = [];
  if (config.SAGA_CONSUMER) {
    stops.push(
      await platform.attachEventConsumer(app, {
        client: kafka,
        groupId: config.CONSUMER_GROUP,
        topics: [...new Set(replyTopics)],
        partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
        logger,
        inbox: { pool, retentionHours: config.INBOX_RETENTION_HOURS },
        handler: createReplyHandler({ store: app.sagas, consumerGroup: config.CONSUMER_GROUP, inboxMetrics: platform.inboxMetrics(app.metrics.registry) }),
      }),
    );
    const sweeper = startSweeper(app.sagas, { intervalMs: config.SAGA_SWEEP_INTERVAL_MS, logger });
    stops.push(() => sweeper.stop());
  }
  if (config.OUTBOX_RELAY) stops.push(await platform.attachOutboxRelay(app, { pool, kafka, logger }));
  // Consumer and sweeper first (no new outbox rows), then the relay flushes what they wrote.
  app.addHook('onClose', async () => {
    for (const stop of stops) await stop();
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, catalog: config.CATALOG_URL, tracing: tracing.enabled }, 'orders listening');
});
