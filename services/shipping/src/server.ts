// Shipping process: validate config, start tracing (before anything it instruments is imported),
// migrate, build the app, provision topics, run the outbox relay, the Kafka consumer (saga commands
// and order facts) and the progress ticker, listen; shut down in reverse on SIGTERM.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { ShippingConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(ShippingConfigSchema);
  const tracing = await startTracing({
    service: 'shipping',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { DEAD_LETTER_TOPIC, SHIPPING_EVENTS_TOPIC } = await import('@shopwatch/contracts');
  const { buildShippingApp } = await import('./app.ts');
  const { migrateShipping } = await import('./migrate.ts');
  const { createCommandHandler } = await import('./plugins/command-handler.ts');
  const { ShippingFaultsFileSchema } = await import('./schemas/faults.ts');

  const logger = createLogger({ service: 'shipping', level: config.LOG_LEVEL });
  if (config.RUN_MIGRATIONS) {
    const applied = await migrateShipping(config.DATABASE_URL);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const pool = platform.createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'shipping' });
  const faults = platform.watchFaults({ schema: ShippingFaultsFileSchema, file: config.FAULTS_FILE, logger });
  const app = await buildShippingApp({
    pool,
    logger,
    faults,
    jwt: { secret: config.JWT_SECRET },
    durations: {
      dispatchMs: config.DISPATCH_AFTER_MS,
      inTransitMs: config.IN_TRANSIT_AFTER_MS,
      deliverMs: config.DELIVERED_AFTER_MS,
      expressFactor: config.EXPRESS_DURATION_FACTOR,
      jitter: config.DURATION_JITTER,
    },
    confirmationSlackMs: config.CONFIRMATION_SLACK_MS,
    ...(config.EVENTS_TOPIC === SHIPPING_EVENTS_TOPIC ? {} : { eventsTopic: config.EVENTS_TOPIC }),
  });

  const kafka = platform.createKafkaClient({ brokers: platform.parseBrokers(config.KAFKA_BROKERS), clientId: 'shipping', logger });
  if (config.KAFKA_ENSURE_TOPICS) {
    await platform.ensureTopics(kafka, [config.COMMANDS_TOPIC, config.EVENTS_TOPIC, config.ORDERS_EVENTS_TOPIC, DEAD_LETTER_TOPIC]);
  }

  // Shutdown order (one onClose hook, after in-flight requests finished): the consumer finishes
  // the message in hand and commits, the ticker finishes its tick, the relay publishes what it
  // holds, and only then the pool closes.
  const stops: Array<() => Promise<void>> = [];
  if (config.COMMAND_CONSUMER) {
    stops.push(
      await platform.attachEventConsumer(app, {
        client: kafka,
        groupId: config.CONSUMER_GROUP,
        topics: [config.COMMANDS_TOPIC, config.ORDERS_EVENTS_TOPIC],
        // A new group reads what was sent before it existed: commands waiting for shipping are answered.
        fromBeginning: true,
        partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
        logger,
        inbox: { pool, retentionHours: config.INBOX_RETENTION_HOURS },
        handler: createCommandHandler({
          pool,
          operations: app.shipping,
          consumerGroup: config.CONSUMER_GROUP,
          inboxMetrics: platform.inboxMetrics(app.metrics.registry),
          logger,
        }),
      }),
    );
  }
  if (config.TICK_INTERVAL_MS > 0) app.progressTicker.start(config.TICK_INTERVAL_MS);
  stops.push(() => app.progressTicker.stop());
  if (config.OUTBOX_RELAY) stops.push(await platform.attachOutboxRelay(app, { pool, kafka, logger }));
  app.addHook('onClose', async () => {
    for (const stop of stops) await stop();
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled }, 'shipping listening');
});
