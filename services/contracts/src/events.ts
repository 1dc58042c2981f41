// Building and reading events. Producers build with makeEvent (which refuses an invalid event);
// consumers read with parseEvent, which never throws and says why a message is unusable, so the
// caller can dead-letter it with that reason and keep going.
import { Compile } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { EnvelopeSchema, SPEC_VERSION } from './envelope.ts';
import { isEventType, payloadValidator, type EventData, type EventType, type ShopEvent } from './registry.ts';

const envelopeValidator = Compile(EnvelopeSchema);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const MAX_DETAIL_LENGTH = 500;

export type ParseFailureReason = 'unparseable' | 'invalid-envelope' | 'unknown-type' | 'invalid-payload';

export type ParseResult =
  | { ok: true; event: ShopEvent }
  | { ok: false; reason: ParseFailureReason; detail: string };

/** Thrown by makeEvent (and the producer) for an event that would fail validation downstream. */
export class InvalidEventError extends Error {
  readonly reason: ParseFailureReason;
  readonly detail: string;
  constructor(reason: ParseFailureReason, detail: string) {
    super(`invalid event (${reason}): ${detail}`);
    this.name = 'InvalidEventError';
    this.reason = reason;
    this.detail = detail;
  }
}

export interface MakeEventOptions {
  /** The producing service, e.g. `/services/catalog`. */
  source: string;
  /** The clock; injected so tests and replays control `time`. */
  now: Date | (() => Date);
  /** Defaults to a random UUID; pass one to make a retried operation emit the same event. */
  id?: string;
}

/** Builds a validated event; throws InvalidEventError when envelope or payload is invalid. */
export function makeEvent<T extends EventType>(
  type: T,
  subject: string,
  data: EventData<T>,
  options: MakeEventOptions,
): ShopEvent<T> {
  const time = typeof options.now === 'function' ? options.now() : options.now;
  const candidate = {
    specversion: SPEC_VERSION,
    id: options.id ?? crypto.randomUUID(),
    type,
    source: options.source,
    time: time.toISOString(),
    subject,
    data,
  };
  const result = parseEvent(candidate);
  if (!result.ok) throw new InvalidEventError(result.reason, result.detail);
  return result.event as ShopEvent<T>;
}

/**
 * Reads an event from Kafka bytes, a JSON string or an already-decoded value, validating the
 * envelope and then the payload against the schema registered for its type. Never throws.
 */
export function parseEvent(raw: unknown): ParseResult {
  let value: unknown = raw;
  if (raw instanceof Uint8Array || typeof raw === 'string') {
    try {
      value = JSON.parse(typeof raw === 'string' ? raw : utf8.decode(raw));
    } catch (error) {
      return fail('unparseable', error instanceof Error ? error.message : 'not UTF-8 JSON');
    }
  }
  if (value === null || value === undefined) return fail('unparseable', 'empty message');
  if (!envelopeValidator.Check(value)) {
    return fail('invalid-envelope', describe(envelopeValidator.Errors(value)));
  }
  if (!isEventType(value.type)) return fail('unknown-type', `unknown event type ${value.type}`);
  const validator = payloadValidator(value.type);
  if (!validator.Check(value.data)) {
    return fail('invalid-payload', `${value.type}: ${describe(validator.Errors(value.data))}`);
  }
  return { ok: true, event: value as ShopEvent };
}

/** The wire form of an event (UTF-8 JSON). */
export function serializeEvent(event: ShopEvent): string {
  return JSON.stringify(event);
}

function fail(reason: ParseFailureReason, detail: string): ParseResult {
  return { ok: false, reason, detail: truncate(detail) };
}

function describe(errors: readonly TLocalizedValidationError[]): string {
  // `additionalProperties: false` reports each extra property twice (once as "schema is false");
  // keep the explicit message only.
  const lines = errors
    .filter((error) => error.keyword !== 'boolean')
    .map((error) => `${error.instancePath || '/'} ${error.message}`);
  return lines.length > 0 ? [...new Set(lines)].join('; ') : 'does not match the schema';
}

function truncate(text: string): string {
  return text.length <= MAX_DETAIL_LENGTH ? text : `${text.slice(0, MAX_DETAIL_LENGTH - 1)}…`;
}
