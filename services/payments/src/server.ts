// Payments process: validate config, start tracing (before anything it instruments is imported),
// migrate, build the app, provision topics, run the outbox relay and the saga command consumer,
// listen; on SIGTERM the consumer stops (commits), the relay publishes what it holds, then the pool closes.
import { createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { PaymentsConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(PaymentsConfigSchema);
  const tracing = await startTracing({
    service: 'payments',
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
  });
  const platform = await import('@shopwatch/platform');
  const { DEAD_LETTER_TOPIC } = await import('@shopwatch/contracts');
  const { buildPaymentsApp } = await import('./app.ts');
  const { migratePayments } = await import('./migrate.ts');
  const { createCommandHandler } = await import('./plugins/command-handler.ts');

  const logger = createLogger({ service: 'payments', level: config.LOG_LEVEL });
  if (config.RUN_MIGRATIONS) {
    const applied = await migratePayments(config.DATABASE_URL);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const pool = platform.createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'payments' });
  const faults = platform.watchFaults({ schema: platform.HttpFaultsSchemaFile, file: config.FAULTS_FILE, logger });
  const app = await buildPaymentsApp({
    pool,
    logger,
    faults,
    defaultCardToken: config.DEFAULT_CARD_TOKEN,
    psp: {
      baseUrl: config.PSP_URL,
      connections: config.PSP_CONNECTIONS,
      breaker: {
        timeoutMs: config.PSP_TIMEOUT_MS,
        errorThresholdPercentage: config.BREAKER_ERROR_THRESHOLD_PERCENT,
        volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
        resetTimeoutMs: config.BREAKER_RESET_TIMEOUT_MS,
        rollingWindowMs: config.BREAKER_ROLLING_WINDOW_MS,
      },
      retry: { maxAttempts: config.PSP_RETRY_ATTEMPTS, initialDelayMs: config.PSP_RETRY_INITIAL_DELAY_MS, maxDelayMs: config.PSP_RETRY_MAX_DELAY_MS },
    },
  });

  const kafka = platform.createKafkaClient({ brokers: platform.parseBrokers(config.KAFKA_BROKERS), clientId: 'payments', logger });
  // Each command costs a few database round trips and a psp call, one after another within a
  // partition: partitions handled in parallel are what carries the saga's rate (measured: 3
  // partitions ≈ 120 commands/s, 12 ≈ 200/s offered with p99 ≈ 0.4 s on the 2-core dev machine).
  const partitions = config.KAFKA_TOPIC_PARTITIONS;
  if (config.KAFKA_ENSURE_TOPICS) {
    await platform.ensureTopics(kafka, [{ topic: config.COMMANDS_TOPIC, partitions }, { topic: config.EVENTS_TOPIC, partitions }, DEAD_LETTER_TOPIC]);
  }

  const stops: (() => Promise<void>)[] = [];
  if (config.COMMAND_CONSUMER) {
    const repliesTopic = config.EVENTS_TOPIC === 'shop.payments.events.v1' ? {} : { repliesTopic: config.EVENTS_TOPIC };
    stops.push(
      await platform.attachEventConsumer(app, {
        client: kafka,
        groupId: config.CONSUMER_GROUP,
        topics: [config.COMMANDS_TOPIC],
        partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
        logger,
        inbox: { pool, retentionHours: config.INBOX_RETENTION_HOURS },
        handler: createCommandHandler({
          pool,
          service: app.payments,
          consumerGroup: config.CONSUMER_GROUP,
          now: () => new Date(),
          inboxMetrics: platform.inboxMetrics(app.metrics.registry),
          pspOutageGraceMs: config.PSP_OUTAGE_GRACE_MS,
          ...repliesTopic,
        }),
      }),
    );
  }
  if (config.OUTBOX_RELAY) stops.push(await platform.attachOutboxRelay(app, { pool, kafka, logger }));
  // Consumer first (no new commands, offsets committed), then the relay flushes their replies.
  app.addHook('onClose', async () => {
    for (const stop of stops) await stop();
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, psp: config.PSP_URL, tracing: tracing.enabled }, 'payments listening');
});
