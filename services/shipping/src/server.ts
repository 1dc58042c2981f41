// Shipping process through the platform's startService; shipping's own: its faults schema, the
// handler of saga commands and order facts, and the delivery progress ticker (a job, 0 = off).
import { DEAD_LETTER_TOPIC, SHIPPING_EVENTS_TOPIC } from '@shopwatch/contracts';
import { inboxMetrics, startService } from '@shopwatch/platform';
import { loadShippingConfig } from './config.ts';

startService({
  name: 'shipping',
  config: () => loadShippingConfig(),
  async start({ config, logger, database, faults }) {
    const { buildShippingApp } = await import('./app.ts');
    const { migrateShipping } = await import('./migrate.ts');
    const { createCommandHandler } = await import('./plugins/command-handler.ts');
    const { ShippingFaultsFileSchema } = await import('./schemas/faults.ts');
    const pool = await database(migrateShipping);
    const app = await buildShippingApp({
      pool,
      logger,
      faults: faults(ShippingFaultsFileSchema),
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
    const messages = {
      groupId: config.CONSUMER_GROUP,
      topics: [config.COMMANDS_TOPIC, config.ORDERS_EVENTS_TOPIC],
      // A new group reads what was sent before it existed: commands waiting for shipping are answered.
      fromBeginning: true,
      partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
      handler: createCommandHandler({ pool, operations: app.shipping, consumerGroup: config.CONSUMER_GROUP, inboxMetrics: inboxMetrics(app.metrics.registry), logger }),
    };
    return {
      app,
      topics: [config.COMMANDS_TOPIC, config.EVENTS_TOPIC, config.ORDERS_EVENTS_TOPIC, DEAD_LETTER_TOPIC],
      consumers: config.COMMAND_CONSUMER ? [messages] : [],
      jobs: [{ name: 'progress ticker', job: app.progressTicker, everyMs: config.TICK_INTERVAL_MS }],
      outboxRelay: config.OUTBOX_RELAY,
    };
  },
});
