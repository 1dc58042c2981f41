import { describe, expect, it } from 'vitest';
import { lockAfterFailure, mayAttempt, retryAfterSeconds } from '../../src/domain/lockout.ts';

const policy = { maxFailures: 5, lockSeconds: 900 };
const now = new Date('2026-01-01T12:00:00Z');
const later = (s: number) => new Date(now.getTime() + s * 1000);

describe('lockout rules', () => {
  it('allows attempts below the limit and refuses at it', () => {
    expect(mayAttempt({ failedLogins: 0, lockedUntil: null }, now, policy)).toBe(true);
    expect(mayAttempt({ failedLogins: 4, lockedUntil: null }, now, policy)).toBe(true);
    expect(mayAttempt({ failedLogins: 5, lockedUntil: null }, now, policy)).toBe(false);
  });

  it('refuses while locked and allows once the lock has expired', () => {
    expect(mayAttempt({ failedLogins: 5, lockedUntil: later(1) }, now, policy)).toBe(false);
    expect(mayAttempt({ failedLogins: 5, lockedUntil: now }, now, policy)).toBe(true);
  });

  it('locks on the failure that reaches the limit, for lockSeconds', () => {
    expect(lockAfterFailure(4, now, policy)).toBeNull();
    expect(lockAfterFailure(5, now, policy)).toEqual(later(900));
  });

  it('rounds Retry-After up to whole seconds and never says 0 while locked', () => {
    expect(retryAfterSeconds({ failedLogins: 5, lockedUntil: later(899.2) }, now)).toBe(900);
    expect(retryAfterSeconds({ failedLogins: 5, lockedUntil: new Date(now.getTime() + 1) }, now)).toBe(1);
    expect(retryAfterSeconds({ failedLogins: 5, lockedUntil: now }, now)).toBe(0);
    expect(retryAfterSeconds({ failedLogins: 0, lockedUntil: null }, now)).toBe(0);
  });
});
