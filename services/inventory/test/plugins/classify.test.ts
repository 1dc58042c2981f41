import { PermanentError } from '@shopwatch/platform';
import { describe, expect, it } from 'vitest';
import { classifyCommandError } from '../../src/plugins/command-handler.ts';
import { ConcurrentReservationError } from '../../src/plugins/stock-store.ts';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('classifyCommandError', () => {
  it('dead-letters errors a retry cannot fix', () => {
    expect(classifyCommandError(new PermanentError('no'))).toBe('permanent');
    expect(classifyCommandError(pgError('23514'))).toBe('permanent'); // check violation
    expect(classifyCommandError(pgError('22003'))).toBe('permanent'); // numeric out of range
  });

  it('retries outages, deadlocks and concurrent reservations', () => {
    expect(classifyCommandError(pgError('40P01'))).toBe('transient');
    expect(classifyCommandError(pgError('57P01'))).toBe('transient');
    expect(classifyCommandError(new Error('connect ECONNREFUSED'))).toBe('transient');
    expect(classifyCommandError(new ConcurrentReservationError('o-1'))).toBe('transient');
  });
});
