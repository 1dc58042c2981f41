// Builds the notifications app from its dependencies. No process concerns here (ports, signals,
// migrations, Kafka): server.ts does those; tests call buildNotificationsApp with real PostgreSQL.
import { createApp, createMetrics, pingDatabase, registerHttpFaults, type App, type DeadLetterMessage, type HttpFaults, type JwtSettings, type Logger, type Pool } from '@shopwatch/platform';
import type { RetrySettings } from './domain/retry.ts';
import { createSimulatedChannels } from './plugins/channels.ts';
import { Dispatcher } from './plugins/dispatcher.ts';
import { pendingCounts } from './plugins/notification-store.ts';
import { createNotificationsMetrics, type NotificationsMetrics } from './plugins/notifications-metrics.ts';
import { registerNotificationRoutes } from './routes/notifications.ts';
import { NO_FAULTS, type NotificationsFaults } from './schemas/faults.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Delivers stored notifications; server.ts starts it, tests too (or call round()). */
    dispatcher: Dispatcher;
    notificationsMetrics: NotificationsMetrics;
  }
}

export interface NotificationsDeps {
  pool: Pool;
  logger: Logger;
  jwt: JwtSettings;
  retry: RetrySettings;
  now?: () => Date;
  random?: () => number;
  batchSize?: number;
  leaseMs?: number;
  recipientWaitMs?: number;
  consumerGroup?: string;
  /** Publishes dead-letter records of notifications that exhausted their attempts. */
  deadLetter?: (message: DeadLetterMessage) => Promise<void>;
  /** Run-time faults (from FAULTS_FILE): `http` at the edge, `notifications` per channel. */
  faults?: { current(): { http: HttpFaults; notifications?: NotificationsFaults } };
}

export async function buildNotificationsApp(deps: NotificationsDeps): Promise<App> {
  const serviceMetrics = createMetrics('notifications');
  const metrics = createNotificationsMetrics(serviceMetrics.registry, () => pendingCounts(deps.pool));
  const app = await createApp({
    service: 'notifications',
    description: 'E-mail, SMS and push notifications of order and shipment milestones over simulated channels, with retries and a dead-letter topic.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  const faults = deps.faults;
  const channels = createSimulatedChannels({
    ...(faults ? { faults: () => faults.current().notifications ?? NO_FAULTS } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  });
  const dispatcher = new Dispatcher({
    pool: deps.pool,
    channels,
    metrics,
    logger: deps.logger,
    retry: deps.retry,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    ...(deps.leaseMs ? { leaseMs: deps.leaseMs } : {}),
    ...(deps.recipientWaitMs ? { recipientWaitMs: deps.recipientWaitMs } : {}),
    ...(deps.deadLetter ? { deadLetter: deps.deadLetter } : {}),
    ...(deps.consumerGroup ? { consumerGroup: deps.consumerGroup } : {}),
  });

  app.readiness.add('postgres', () => pingDatabase(deps.pool));
  if (faults) registerHttpFaults(app, faults);
  registerNotificationRoutes(app, { pool: deps.pool, jwt: deps.jwt });
  app.decorate('dispatcher', dispatcher);
  app.decorate('notificationsMetrics', metrics);
  app.addHook('onClose', async () => {
    await dispatcher.stop();
  });
  return app;
}
