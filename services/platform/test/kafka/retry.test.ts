import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyError, PermanentError, type RetryPolicy } from '../../src/kafka/index.ts';

const policy: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 1_000, maxAttempts: Infinity };

describe('backoffDelay', () => {
  it('doubles per attempt between half and all of the exponential step', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap however many attempts were made', () => {
    expect(backoffDelay(50, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(5_000, policy, () => 0.5)).toBe(750);
  });
});

describe('classifyError', () => {
  it('treats PermanentError as permanent and anything else as transient', () => {
    expect(classifyError(new PermanentError('no such product'))).toBe('permanent');
    expect(classifyError(new Error('connection refused'))).toBe('transient');
    expect(classifyError('a string')).toBe('transient');
  });
});
