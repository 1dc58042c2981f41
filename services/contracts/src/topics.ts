// Topic naming and the dead-letter convention shared by every producer and consumer.

/** `shop.<domain>.<kind>.v<major>`; a breaking payload change means a new major topic. */
export const TOPIC_NAME_PATTERN = /^shop\.[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?\.v[1-9][0-9]*$/;

/**
 * One dead-letter topic for the whole shop rather than `<topic>.dlq` per topic: operators watch
 * and alert on a single place, and the headers below say where each message came from, so a
 * replay tool can send it back to its original topic.
 */
export const DEAD_LETTER_TOPIC = 'shop.deadletter.v1';

/**
 * Headers on a dead-lettered message. The value and key are the original bytes, untouched, and
 * the original headers (traceparent included) are kept alongside these.
 */
export const DEAD_LETTER_HEADERS = {
  /** One of {@link DeadLetterReason}: bounded, fit for a metric label. */
  reason: 'dlq-reason',
  /** Human-readable detail (validation errors, handler error message), truncated. */
  detail: 'dlq-detail',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  consumerGroup: 'dlq-consumer-group',
  /** RFC 3339 time the message was dead-lettered. */
  time: 'dlq-time',
} as const;

/**
 * Why a message was dead-lettered. The first four come from parsing ({@link parseEvent});
 * `handler-rejected` means the handler classified its error as permanent;
 * `retries-exhausted` means a transient error outlived the consumer's retry budget.
 */
export type DeadLetterReason =
  | 'unparseable'
  | 'invalid-envelope'
  | 'unknown-type'
  | 'invalid-payload'
  | 'handler-rejected'
  | 'retries-exhausted';

export function isValidTopicName(name: string): boolean {
  return name === DEAD_LETTER_TOPIC || TOPIC_NAME_PATTERN.test(name);
}
