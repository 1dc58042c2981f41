// Database constraint violations caused by the request (duplicate SKU, unknown category) are the
// client's problem and get a 4xx saying which field; everything else stays a 500.
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
  throw error;
}

function conflictField(error: unknown): string {
  const constraint = typeof error === 'object' && error !== null && 'constraint' in error ? String(error.constraint) : '';
  if (constraint.includes('sku')) return '/body/sku';
  if (constraint.includes('slug')) return '/body/slug';
  return '/body';
}
