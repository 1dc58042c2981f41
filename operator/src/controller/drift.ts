// Decides whether a live object still carries everything the builder wants, field by field.
// The operator writes only when this finds a difference, so an operator restart or a resync
// costs no writes, while a manual edit or removal of any field we set is noticed and reverted.
// A hash annotation alone would miss edits that leave the annotation in place.
//
// Semantics (matching server-side apply with one field manager):
// - objects: every key the builder sets must match; keys only in the live object are ignored
//   (server defaults, other managers' fields, metadata the API server adds);
// - lists: same length and element-wise match (CRD lists without list-type are atomic, so our
//   apply owns the whole list) — except metadata.ownerReferences, a map keyed by uid where other
//   owners may appear;
// - an empty object/list or null in the desired object matches an absent live field;
// - a live string replaced by its digest (see compactLargeStrings) matches a desired string with
//   the same digest.
import { createHash } from 'node:crypto';

const DIGEST_PREFIX = '\u0000#';
/** Strings longer than this are cached as digests (dashboard JSON, rule expressions, descriptions). */
export const LARGE_STRING = 32;

/** 128 bits of SHA-256, 24 characters with the prefix: shorter than any string it replaces. */
export function digestOf(text: string): string {
  return DIGEST_PREFIX + createHash('sha256').update(text).digest().subarray(0, 16).toString('base64url');
}

/**
 * Replaces every string longer than LARGE_STRING in `value` (in place) by its digest — outside
 * `metadata`, whose names, labels and owner uids are read as they are. Informer caches store
 * outputs this way: a 30 kB dashboard becomes 24 bytes, and drift detection still sees any
 * change to it.
 */
export function compactLargeStrings(value: unknown): void {
  if (!isRecord(value)) return;
  for (const [key, item] of Object.entries(value)) if (key !== 'metadata') compactInPlace(value, key, item);
}

function compactInPlace(parent: Record<string, unknown> | unknown[], key: string | number, item: unknown): void {
  if (typeof item === 'string') {
    if (item.length > LARGE_STRING) (parent as Record<string | number, unknown>)[key] = digestOf(item);
  } else if (Array.isArray(item)) {
    item.forEach((child: unknown, index) => compactInPlace(item, index, child));
  } else if (isRecord(item)) {
    for (const [childKey, child] of Object.entries(item)) compactInPlace(item, childKey, child);
  }
}

/** Path of the first difference (e.g. `spec.groups[0].rules[3].expr`), or undefined if none. */
export function findDrift(desired: unknown, live: unknown): string | undefined {
  return diff(desired, live, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.values(value).every((v) => v === undefined);
  return false;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function diff(desired: unknown, live: unknown, path: string): string | undefined {
  if (desired === undefined) return undefined;
  if (live === undefined || live === null) return isEmpty(desired) ? undefined : path || '.';
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return path;
    for (let i = 0; i < desired.length; i++) {
      const found = diff(desired[i], live[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isRecord(desired)) {
    if (!isRecord(live)) return path;
    for (const [key, value] of Object.entries(desired)) {
      const childPath = join(path, key);
      const found =
        childPath === 'metadata.ownerReferences'
          ? ownerReferencesDrift(value, live[key], childPath)
          : diff(value, live[key], childPath);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof desired === 'string' && typeof live === 'string' && live.startsWith(DIGEST_PREFIX)) {
    return digestOf(desired) === live ? undefined : path;
  }
  return Object.is(desired, live) ? undefined : path;
}

function ownerReferencesDrift(desired: unknown, live: unknown, path: string): string | undefined {
  if (!Array.isArray(desired)) return diff(desired, live, path);
  const liveRefs = Array.isArray(live) ? live.filter(isRecord) : [];
  for (const [i, ref] of desired.entries()) {
    if (!isRecord(ref)) return `${path}[${i}]`;
    const match = liveRefs.find((candidate) => candidate.uid === ref.uid);
    if (!match || diff(ref, match, `${path}[${i}]`) !== undefined) return `${path}[${i}]`;
  }
  return undefined;
}
