// The one JSON envelope every Kafka message carries (docs/architecture.md §4), using CloudEvents attribute
// names so the messages read naturally to anyone who knows CloudEvents and tools that speak it.
// The payload (`data`) is validated separately against the schema registered for `type`.
import { Type, type Static } from 'typebox';

/** CloudEvents spec version we follow; optional on the wire, producers set it. */
export const SPEC_VERSION = '1.0';

/** Event types are reverse-DNS-ish and lower case: `shop.<domain>.<entity>.<fact>`. */
export const EVENT_TYPE_PATTERN = '^shop(\\.[a-z][a-z0-9-]*){2,4}$';

export const EnvelopeSchema = Type.Object(
  {
    specversion: Type.Optional(Type.Literal(SPEC_VERSION)),
    /** Unique per event; consumers deduplicate on it (inbox). */
    id: Type.String({ format: 'uuid' }),
    type: Type.String({ pattern: EVENT_TYPE_PATTERN, maxLength: 120 }),
    /** Who produced it, e.g. `/services/catalog`. */
    source: Type.String({ minLength: 1, maxLength: 200 }),
    /** When the fact happened, RFC 3339. */
    time: Type.String({ format: 'date-time' }),
    /** The aggregate id; also the Kafka key, so one aggregate's events stay ordered. */
    subject: Type.String({ minLength: 1, maxLength: 200 }),
    datacontenttype: Type.Optional(Type.Literal('application/json')),
    data: Type.Unknown(),
  },
  { additionalProperties: false },
);

/** An envelope whose payload has not been checked yet. */
export type RawEnvelope = Static<typeof EnvelopeSchema>;

/** A validated event of type `T` with payload `D`. */
export interface EventEnvelope<T extends string = string, D = unknown> {
  specversion?: typeof SPEC_VERSION;
  id: string;
  type: T;
  source: string;
  time: string;
  subject: string;
  datacontenttype?: 'application/json';
  data: D;
}
