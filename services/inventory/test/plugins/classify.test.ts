// Inventory's errors under the platform's one classifier: a lost race for an order's reservation
// must be retried (the retry sees the winner's outcome), never dead-lettered.
import { classifyError } from '@shopwatch/platform';
import { describe, expect, it } from 'vitest';
import { ConcurrentReservationError } from '../../src/plugins/stock-store.ts';

describe('inventory errors under the platform classifier', () => {
  it('a concurrent reservation for the same order is transient, also when wrapped', () => {
    expect(classifyError(new ConcurrentReservationError('o-1'))).toBe('transient');
    expect(classifyError(new Error('reserve failed', { cause: new ConcurrentReservationError('o-1') }))).toBe('transient');
  });
});
