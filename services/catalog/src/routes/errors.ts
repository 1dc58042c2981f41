// Database constraint violations caused by the request (duplicate SKU, unknown category) and text
// PostgreSQL cannot store (a NUL character, valid in JSON strings) are the client's problem and
// get a 4xx; everything else stays a 500.
import { ProblemError, sqlState } from '@shopwatch/platform';

export function mapWriteError(error: unknown): never {
  const state = sqlState(error);
  if (state === '23505') {
    throw new ProblemError(409, 'conflict', 'Conflict', 'A record with the same unique value already exists.', {
      errors: [{ field: conflictField(error), message: 'is already taken' }],
    });
  }
  if (state === '23503') {
    throw new ProblemError(422, 'unknown-reference', 'Unprocessable Content', 'A referenced record does not exist.', {
      errors: [{ field: '/body/categoryId', message: 'does not reference an existing category' }],
    });
  }
  if (state === '22021' || state === '22P05') {
    // invalid byte sequence / untranslatable character: PostgreSQL text cannot hold U+0000.
    throw new ProblemError(400, 'unstorable-text', 'Bad Request', 'A text field contains a character that cannot be stored (U+0000).');
  }
  throw error;
}

function conflictField(error: unknown): string {
  const constraint = typeof error === 'object' && error !== null && 'constraint' in error ? String(error.constraint) : '';
  if (constraint.includes('sku')) return '/body/sku';
  if (constraint.includes('slug')) return '/body/slug';
  return '/body';
}
