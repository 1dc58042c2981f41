import { describe, expect, it } from 'vitest';
import { demoQuantity } from '../../src/seed.ts';

describe('demo stock', () => {
  it('is deterministic, positive, and leaves every tenth product nearly sold out', () => {
    const quantities = Array.from({ length: 200 }, (_, i) => demoQuantity(i));
    expect(quantities.every((q) => Number.isInteger(q) && q > 0 && q <= 200)).toBe(true);
    expect(quantities.filter((q) => q === 3)).toHaveLength(20);
    expect(Array.from({ length: 200 }, (_, i) => demoQuantity(i))).toEqual(quantities);
  });
});
