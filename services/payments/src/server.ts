// Payments process through the platform's startService; payments' own: the psp client (breaker,
// retries), the saga command handler (answering on EVENTS_TOPIC, with PSP_OUTAGE_GRACE_MS) and
// its topics' partition count.
import { DEAD_LETTER_TOPIC } from '@shopwatch/contracts';
import { inboxMetrics, startService } from '@shopwatch/platform';
import { loadPaymentsConfig } from './config.ts';

startService({
  name: 'payments',
  config: () => loadPaymentsConfig(),
  async start({ config, logger, database, faults }) {
    const { buildPaymentsApp } = await import('./app.ts');
    const { migratePayments } = await import('./migrate.ts');
    const { createCommandHandler } = await import('./plugins/command-handler.ts');
    const pool = await database(migratePayments);
    const app = await buildPaymentsApp({
      pool,
      logger,
      faults: faults(),
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
    const partitions = config.KAFKA_TOPIC_PARTITIONS;
    const commands = {
      groupId: config.CONSUMER_GROUP,
      topics: [config.COMMANDS_TOPIC],
      partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
      handler: createCommandHandler({
        pool,
        service: app.payments,
        consumerGroup: config.CONSUMER_GROUP,
        now: () => new Date(),
        inboxMetrics: inboxMetrics(app.metrics.registry),
        pspOutageGraceMs: config.PSP_OUTAGE_GRACE_MS,
        repliesTopic: config.EVENTS_TOPIC,
      }),
    };
    return {
      app,
      topics: [{ topic: config.COMMANDS_TOPIC, partitions }, { topic: config.EVENTS_TOPIC, partitions }, DEAD_LETTER_TOPIC],
      consumers: config.COMMAND_CONSUMER ? [commands] : [],
      outboxRelay: config.OUTBOX_RELAY,
      listening: { psp: config.PSP_URL },
    };
  },
});
