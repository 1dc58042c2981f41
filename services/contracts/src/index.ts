// @shopwatch/contracts — the event envelope, payload schemas and topic conventions shared over Kafka.
export { EnvelopeSchema, SPEC_VERSION, EVENT_TYPE_PATTERN } from './envelope.ts';
export type { EventEnvelope, RawEnvelope } from './envelope.ts';
export {
  eventDefinitions,
  isEventType,
  topicFor,
  registeredTopics,
} from './registry.ts';
export type { EventDefinition, EventDefinitions, EventType, EventData, ShopEvent } from './registry.ts';
export { makeEvent, parseEvent, serializeEvent, InvalidEventError } from './events.ts';
export type { MakeEventOptions, ParseResult, ParseFailureReason } from './events.ts';
export {
  DEAD_LETTER_TOPIC,
  DEAD_LETTER_HEADERS,
  TOPIC_NAME_PATTERN,
  isValidTopicName,
} from './topics.ts';
export type { DeadLetterReason } from './topics.ts';
export { seedCatalog, stableId } from './demo-catalogue.ts';
export type { SeedCategory, SeedProduct } from './demo-catalogue.ts';
export * from './catalog.ts';
export * from './inventory.ts';
export * from './payments.ts';
export * from './shipping.ts';
export * from './orders.ts';
export * from './support.ts';
