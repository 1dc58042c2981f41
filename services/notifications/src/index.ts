// @shopwatch/notifications — exported for tests and benchmarks that build the app in-process.
export { buildNotificationsApp } from './app.ts';
export type { NotificationsDeps } from './app.ts';
export { NotificationsConfigSchema, loadNotificationsConfig } from './config.ts';
export { migrateNotifications, NOTIFICATIONS_MIGRATIONS_DIR } from './migrate.ts';
export { createEventHandler } from './plugins/event-handler.ts';
export type { EventHandlerOptions } from './plugins/event-handler.ts';
export { CHANNELS, CHANNELS_BY_EVENT, channelsFor } from './domain/channels.ts';
export type { Channel } from './domain/channels.ts';
export { NotificationsFaultsFileSchema } from './schemas/faults.ts';
export type { NotificationsFaultsFile } from './schemas/faults.ts';
