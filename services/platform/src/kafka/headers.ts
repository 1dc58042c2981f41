// Kafka header values arrive as Buffers, strings or arrays of them; we work with plain strings.
import { DEAD_LETTER_HEADERS, type DeadLetterReason } from '@shopwatch/contracts';

export type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

export function normalizeHeaders(headers: RawHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

export interface DeadLetterOrigin {
  reason: DeadLetterReason;
  detail: string;
  topic: string;
  partition?: number;
  offset?: string;
  consumerGroup?: string;
}

const DEAD_LETTER_HEADER_NAMES = new Set<string>(Object.values(DEAD_LETTER_HEADERS));
const MAX_DETAIL = 500;

/**
 * Headers of a dead-lettered message: the original ones (trace context included, earlier dead-letter
 * headers dropped so a replayed-and-failed-again message is described once) plus where it came from
 * and why it could not be handled.
 */
export function deadLetterHeaders(
  original: Readonly<Record<string, string>>,
  origin: DeadLetterOrigin,
  now: Date,
): Record<string, string> {
  const kept = Object.fromEntries(Object.entries(original).filter(([name]) => !DEAD_LETTER_HEADER_NAMES.has(name)));
  return {
    ...kept,
    [DEAD_LETTER_HEADERS.reason]: origin.reason,
    [DEAD_LETTER_HEADERS.detail]: origin.detail.slice(0, MAX_DETAIL),
    [DEAD_LETTER_HEADERS.originalTopic]: origin.topic,
    ...(origin.partition === undefined ? {} : { [DEAD_LETTER_HEADERS.originalPartition]: String(origin.partition) }),
    ...(origin.offset === undefined ? {} : { [DEAD_LETTER_HEADERS.originalOffset]: origin.offset }),
    ...(origin.consumerGroup === undefined ? {} : { [DEAD_LETTER_HEADERS.consumerGroup]: origin.consumerGroup }),
    [DEAD_LETTER_HEADERS.time]: now.toISOString(),
  };
}
