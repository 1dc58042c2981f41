// Inbox: idempotent consumption recorded in the same transaction as the effect.
export { handleOnce, inboxMetrics, pruneInbox } from './inbox.ts';
export type { InboxEvent, InboxMetrics, InboxOutcome } from './inbox.ts';
