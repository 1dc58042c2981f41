import { describe, expect, it } from 'vitest';
import { formatCents, lineTotalCents } from '../../web/src/lib/money.ts';

describe('formatCents', () => {
  it('formats minor units with the currency', () => {
    expect(formatCents(1999, 'EUR', 'en-IE')).toBe('€19.99');
    expect(formatCents(0, 'EUR', 'en-IE')).toBe('€0.00');
    expect(formatCents(5, 'EUR', 'en-IE')).toBe('€0.05');
    expect(formatCents(123456789, 'EUR', 'en-IE')).toBe('€1,234,567.89');
    expect(formatCents(1999, 'USD', 'en-US')).toBe('$19.99');
  });
  it('uses the locale', () => {
    expect(formatCents(1999, 'EUR', 'de-DE').replace(/\s/g, ' ')).toBe('19,99 €');
  });
  it('knows currencies without minor digits', () => {
    expect(formatCents(1999, 'JPY', 'en-US')).toBe('¥1,999');
  });
  it('formats negative amounts (refunds)', () => {
    expect(formatCents(-250, 'EUR', 'en-IE')).toBe('-€2.50');
  });
  it('refuses non-integers', () => {
    expect(() => formatCents(19.99, 'EUR')).toThrow(RangeError);
    expect(() => formatCents(Number.NaN, 'EUR')).toThrow(RangeError);
    expect(() => formatCents(2 ** 60, 'EUR')).toThrow(RangeError);
  });
  it('line totals stay exact integers', () => {
    expect(lineTotalCents(1999, 3)).toBe(5997);
    expect(0.1 * 3).not.toBe(0.3);
    expect(lineTotalCents(10, 3)).toBe(30);
  });
});
