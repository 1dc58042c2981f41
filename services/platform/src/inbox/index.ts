// Inbox: idempotent consumption recorded in the same transaction as the effect.
export { handleOnce, inboxMetrics, pruneInbox } from './inbox.ts';
export type { InboxEvent, InboxMetrics, InboxOutcome } from './inbox.ts';
export { attachEventConsumer } from './attach-consumer.ts';
export type { AttachConsumerOptions } from './attach-consumer.ts';
