// Orders process through the platform's startService; orders' own: the catalog client, the saga
// (its topics, the reply handler and the timeout sweeper, both only with SAGA_CONSUMER).
import { DEAD_LETTER_TOPIC } from '@shopwatch/contracts';
import { inboxMetrics, startService } from '@shopwatch/platform';
import { loadOrdersConfig } from './config.ts';

startService({
  name: 'orders',
  config: () => loadOrdersConfig(),
  async start({ config, logger, database, faults }) {
    const { buildOrdersApp } = await import('./app.ts');
    const { migrateOrders } = await import('./migrate.ts');
    const { createReplyHandler } = await import('./plugins/reply-handler.ts');
    const { startSweeper } = await import('./plugins/saga-store.ts');
    const pool = await database(migrateOrders);
    const app = await buildOrdersApp({
      pool,
      logger,
      faults: faults(),
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
    const replyTopics = [...new Set([config.INVENTORY_EVENTS_TOPIC, config.PAYMENTS_EVENTS_TOPIC, config.SHIPPING_EVENTS_TOPIC])];
    const created = new Set([config.EVENTS_TOPIC, config.INVENTORY_COMMANDS_TOPIC, config.PAYMENTS_COMMANDS_TOPIC, config.SHIPPING_COMMANDS_TOPIC, ...replyTopics]);
    const replies = {
      groupId: config.CONSUMER_GROUP,
      topics: replyTopics,
      partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
      handler: createReplyHandler({ store: app.sagas, consumerGroup: config.CONSUMER_GROUP, inboxMetrics: inboxMetrics(app.metrics.registry) }),
    };
    // startSweeper starts at once: as a job it starts after the consumer and stops before the relay flushes what it wrote.
    let sweeper: { stop(): Promise<void> } | undefined;
    const sagaSweeper = {
      start: (intervalMs: number) => void (sweeper = startSweeper(app.sagas, { intervalMs, logger })),
      stop: async () => sweeper?.stop(),
    };
    return {
      app,
      topics: [...[...created].map((topic) => ({ topic, partitions: config.KAFKA_TOPIC_PARTITIONS })), { topic: DEAD_LETTER_TOPIC, partitions: 1 }],
      consumers: config.SAGA_CONSUMER ? [replies] : [],
      jobs: config.SAGA_CONSUMER ? [{ name: 'saga sweeper', job: sagaSweeper, everyMs: config.SAGA_SWEEP_INTERVAL_MS }] : [],
      outboxRelay: config.OUTBOX_RELAY,
      listening: { catalog: config.CATALOG_URL },
    };
  },
});
