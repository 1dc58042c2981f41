import { PermanentError } from '@shopwatch/platform';
import { describe, expect, it } from 'vitest';
import { classifyDomainEventError } from '../../src/plugins/domain-events.ts';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('classifyDomainEventError', () => {
  it('dead-letters data and integrity errors, retries the rest', () => {
    expect(classifyDomainEventError(pgError('23514'))).toBe('permanent');
    expect(classifyDomainEventError(pgError('22021'))).toBe('permanent');
    expect(classifyDomainEventError(new PermanentError('no'))).toBe('permanent');
    expect(classifyDomainEventError(pgError('40001'))).toBe('transient');
    expect(classifyDomainEventError(pgError('57P01'))).toBe('transient');
    expect(classifyDomainEventError(new Error('ECONNREFUSED'))).toBe('transient');
  });
});
