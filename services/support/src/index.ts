// @shopwatch/support — exported for tests and benchmarks that build the app in-process.
export { buildSupportApp } from './app.ts';
export type { SupportDeps } from './app.ts';
export { SupportConfigSchema, loadSupportConfig } from './config.ts';
export { migrateSupport, SUPPORT_MIGRATIONS_DIR } from './migrate.ts';
export { transition, isSatisfied, TICKET_CATEGORIES, TICKET_STATUSES } from './domain/ticket.ts';
export type { TicketAction, TicketCategory, TicketStatus, TicketState, Transition } from './domain/ticket.ts';
