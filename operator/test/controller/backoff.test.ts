import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/controller/backoff.ts';

describe('backoffDelay', () => {
  const options = { baseMs: 250, maxMs: 10_000 };

  it('doubles from the base delay with each failure', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options))).toEqual([250, 500, 1000, 2000]);
  });

  it('never exceeds the cap, even after very many failures', () => {
    expect(backoffDelay(6, options)).toBe(8000);
    expect(backoffDelay(7, options)).toBe(10_000);
    expect(backoffDelay(10_000, options)).toBe(10_000);
  });

  it('is zero before the first failure', () => {
    expect(backoffDelay(0, options)).toBe(0);
  });
});
