// Inventory process: validate config, start tracing (before anything it instruments is imported),
// migrate, build the app, provision topics, run the outbox relay, the saga command consumer and
// the expiry sweeper, listen; shut down in reverse on SIGTERM.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { InventoryConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(InventoryConfigSchema);
  const tracing = await startTracing({
    service: 'inventory',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { DEAD_LETTER_TOPIC } = await import('@shopwatch/contracts');
  const { buildInventoryApp } = await import('./app.ts');
  const { migrateInventory } = await import('./migrate.ts');
  const { createCommandHandler } = await import('./plugins/command-handler.ts');
  const { InventoryFaultsFileSchema } = await import('./schemas/faults.ts');

  const logger = createLogger({ service: 'inventory', level: config.LOG_LEVEL });
  if (config.RUN_MIGRATIONS) {
    const applied = await migrateInventory(config.DATABASE_URL);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const pool = platform.createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'inventory' });
  const faults = platform.watchFaults({ schema: InventoryFaultsFileSchema, file: config.FAULTS_FILE, logger });
  const app = await buildInventoryApp({
    faults,
    pool,
    logger,
    jwt: { secret: config.JWT_SECRET },
    lowStockThreshold: config.LOW_STOCK_THRESHOLD,
    defaultReservationTtlSeconds: config.DEFAULT_RESERVATION_TTL_SECONDS,
    eventsTopic: config.EVENTS_TOPIC,
    replenish: { below: config.REPLENISH_BELOW, quantity: config.REPLENISH_QUANTITY },
  });

  const kafka = platform.createKafkaClient({ brokers: platform.parseBrokers(config.KAFKA_BROKERS), clientId: 'inventory', logger });
  if (config.KAFKA_ENSURE_TOPICS) await platform.ensureTopics(kafka, [config.COMMANDS_TOPIC, config.EVENTS_TOPIC, DEAD_LETTER_TOPIC]);

  // Shutdown order (one onClose hook, after in-flight requests finished): the consumer finishes
  // the command in hand and commits, the sweeper finishes its sweep, the relay publishes what it
  // holds, the producer flushes, and only then the pool closes.
  const stops: Array<() => Promise<void>> = [];
  if (config.COMMAND_CONSUMER) {
    stops.push(
      await platform.attachEventConsumer(app, {
        client: kafka,
        groupId: config.CONSUMER_GROUP,
        topics: [config.COMMANDS_TOPIC],
        // A new group reads what was sent before it existed; old reserve commands are past their
        // expiresAt and get `reservation_expired`, so nothing stale takes stock.
        fromBeginning: true,
        partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
        logger,
        inbox: { pool, retentionHours: config.INBOX_RETENTION_HOURS },
        handler: createCommandHandler({
          pool,
          operations: app.inventory,
          consumerGroup: config.CONSUMER_GROUP,
          inboxMetrics: platform.inboxMetrics(app.metrics.registry),
          logger,
          faults: () => faults.current().inventory,
        }),
      }),
    );
  }
  if (config.RESERVATION_SWEEP_INTERVAL_MS > 0) app.reservationSweeper.start(config.RESERVATION_SWEEP_INTERVAL_MS);
  stops.push(() => app.reservationSweeper.stop());
  if (config.REPLENISH_INTERVAL_MS > 0) app.replenisher.start(config.REPLENISH_INTERVAL_MS);
  stops.push(() => app.replenisher.stop());
  if (config.OUTBOX_RELAY) stops.push(await platform.attachOutboxRelay(app, { pool, kafka, logger }));
  app.addHook('onClose', async () => {
    for (const stop of stops) await stop();
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled }, 'inventory listening');
});
