// Notifications process through the platform's startService; notifications' own: its faults
// schema, the dead-letter producer (made after the app, whose registry holds its metrics; closed
// with the clients, after the dispatcher's last round), the event handler and the dispatcher.
import { DEAD_LETTER_TOPIC } from '@shopwatch/contracts';
import { inboxMetrics, startService, type EventProducer } from '@shopwatch/platform';
import { loadNotificationsConfig } from './config.ts';

startService({
  name: 'notifications',
  config: () => loadNotificationsConfig(),
  async start({ config, logger, database, faults, eventProducer }) {
    const { buildNotificationsApp } = await import('./app.ts');
    const { migrateNotifications } = await import('./migrate.ts');
    const { createEventHandler } = await import('./plugins/event-handler.ts');
    const { NotificationsFaultsFileSchema } = await import('./schemas/faults.ts');
    const pool = await database(migrateNotifications);
    // The dispatcher reaches the producer through this holder (it is connected before the dispatcher starts).
    const holder: { producer?: EventProducer } = {};
    const app = await buildNotificationsApp({
      pool,
      logger,
      faults: faults(NotificationsFaultsFileSchema),
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
    holder.producer = await eventProducer(app);
    const events = {
      groupId: config.CONSUMER_GROUP,
      topics: [config.ORDERS_EVENTS_TOPIC, config.SHIPPING_EVENTS_TOPIC],
      // A new group reads what was published before it existed: no milestone goes unannounced.
      fromBeginning: true,
      partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
      handler: createEventHandler({
        pool,
        consumerGroup: config.CONSUMER_GROUP,
        metrics: app.notificationsMetrics,
        now: () => new Date(),
        inboxMetrics: inboxMetrics(app.metrics.registry),
        onStored: () => app.dispatcher.wake(),
      }),
    };
    return {
      app,
      topics: [config.ORDERS_EVENTS_TOPIC, config.SHIPPING_EVENTS_TOPIC, DEAD_LETTER_TOPIC],
      consumers: config.EVENT_CONSUMER ? [events] : [],
      jobs: [{ name: 'dispatcher', job: app.dispatcher, ...(config.DISPATCHER ? { everyMs: config.DISPATCH_INTERVAL_MS } : {}) }],
    };
  },
});
