// Inventory process through the platform's startService; inventory's own: its faults schema, the
// saga command handler, the expiry sweeper and the simulated supplier (jobs, 0 = off).
import { DEAD_LETTER_TOPIC } from '@shopwatch/contracts';
import { inboxMetrics, startService } from '@shopwatch/platform';
import { loadInventoryConfig } from './config.ts';

startService({
  name: 'inventory',
  config: () => loadInventoryConfig(),
  async start({ config, logger, database, faults }) {
    const { buildInventoryApp } = await import('./app.ts');
    const { migrateInventory } = await import('./migrate.ts');
    const { createCommandHandler } = await import('./plugins/command-handler.ts');
    const { InventoryFaultsFileSchema } = await import('./schemas/faults.ts');
    const pool = await database(migrateInventory);
    const inventoryFaults = faults(InventoryFaultsFileSchema);
    const app = await buildInventoryApp({
      faults: inventoryFaults,
      pool,
      logger,
      jwt: { secret: config.JWT_SECRET },
      lowStockThreshold: config.LOW_STOCK_THRESHOLD,
      defaultReservationTtlSeconds: config.DEFAULT_RESERVATION_TTL_SECONDS,
      eventsTopic: config.EVENTS_TOPIC,
      replenish: { below: config.REPLENISH_BELOW, quantity: config.REPLENISH_QUANTITY },
    });
    const commands = {
      groupId: config.CONSUMER_GROUP,
      topics: [config.COMMANDS_TOPIC],
      // A new group reads what was sent before it existed; old reserve commands are past their
      // expiresAt and get `reservation_expired`, so nothing stale takes stock.
      fromBeginning: true,
      partitionsConsumedConcurrently: config.CONSUMER_CONCURRENCY,
      handler: createCommandHandler({
        pool,
        operations: app.inventory,
        consumerGroup: config.CONSUMER_GROUP,
        inboxMetrics: inboxMetrics(app.metrics.registry),
        logger,
        faults: () => inventoryFaults.current().inventory,
      }),
    };
    return {
      app,
      topics: [config.COMMANDS_TOPIC, config.EVENTS_TOPIC, DEAD_LETTER_TOPIC],
      consumers: config.COMMAND_CONSUMER ? [commands] : [],
      jobs: [
        { name: 'reservation sweeper', job: app.reservationSweeper, everyMs: config.RESERVATION_SWEEP_INTERVAL_MS },
        { name: 'replenisher', job: app.replenisher, everyMs: config.REPLENISH_INTERVAL_MS },
      ],
      outboxRelay: config.OUTBOX_RELAY,
    };
  },
});
