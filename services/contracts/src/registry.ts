// Every event type the shop knows: type → topic + payload schema. Adding an event means adding
// it to a domain module (catalog.ts, ...) and spreading that module in here.
import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { catalogEvents } from './catalog.ts';
import type { EventEnvelope } from './envelope.ts';
import { inventoryEvents } from './inventory.ts';
import { ordersEvents } from './orders.ts';
import { paymentsEvents } from './payments.ts';
import { shippingEvents } from './shipping.ts';
import { supportEvents } from './support.ts';

export interface EventDefinition {
  readonly topic: string;
  readonly schema: TSchema;
}

export const eventDefinitions = {
  ...catalogEvents,
  ...inventoryEvents,
  ...paymentsEvents,
  ...shippingEvents,
  ...ordersEvents,
  ...supportEvents,
} as const satisfies Record<string, EventDefinition>;

export type EventDefinitions = typeof eventDefinitions;
export type EventType = keyof EventDefinitions;
/** The payload type of event type `T`. */
export type EventData<T extends EventType> = Static<EventDefinitions[T]['schema']>;
/** A validated event; with no argument, the union of all known events (discriminated by `type`). */
export type ShopEvent<T extends EventType = EventType> = {
  [K in T]: EventEnvelope<K, EventData<K>>;
}[T];

// Validators are compiled once per process; payload validation happens on every produce and consume.
const payloadValidators = new Map<string, Validator>(
  Object.entries(eventDefinitions).map(([type, definition]) => [type, Compile(definition.schema)]),
);

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventDefinitions, type);
}

/** The topic events of `type` are published to. */
export function topicFor(type: EventType): string {
  return eventDefinitions[type].topic;
}

/** Every topic named by the registry (without the dead-letter topic), for provisioning. */
export function registeredTopics(): string[] {
  return [...new Set(Object.values(eventDefinitions).map((definition) => definition.topic))].sort();
}

/** The compiled payload validator of a known type (internal to contracts). */
export function payloadValidator(type: EventType): Validator {
  const validator = payloadValidators.get(type);
  if (!validator) throw new Error(`no validator for ${type}`);
  return validator;
}
