import { describe, expect, it } from 'vitest';
import { MAX_COURIER_GRAMS, MAX_PARCEL_GRAMS, quote, quoteFor, zoneOf } from '../../src/domain/quotes.ts';

describe('zones', () => {
  it('puts Germany, EU, other European and overseas countries in their zones; others are unsupported', () => {
    expect(zoneOf('DE')).toBe('domestic');
    expect(zoneOf('FR')).toBe('eu');
    expect(zoneOf('CH')).toBe('europe');
    expect(zoneOf('US')).toBe('world');
    expect(zoneOf('KP')).toBeUndefined();
    expect(zoneOf('XX')).toBeUndefined();
  });
});

describe('quoteFor', () => {
  it('prices the first kilogram plus each started further kilogram, in euro cents', () => {
    const one = quoteFor('DE', 1, 'standard');
    const oneKg = quoteFor('DE', 1000, 'standard');
    const justOver = quoteFor('DE', 1001, 'standard');
    expect(one).toMatchObject({ ok: true, quote: { costCents: 495, currency: 'EUR', zone: 'domestic', carrier: 'DHL', method: 'standard' } });
    expect(oneKg).toEqual(one);
    expect(justOver).toMatchObject({ ok: true, quote: { costCents: 535 } });
  });

  it('express costs more and is faster than standard in every zone', () => {
    for (const country of ['DE', 'AT', 'GB', 'JP']) {
      const standard = quoteFor(country, 2500, 'standard');
      const express = quoteFor(country, 2500, 'express');
      if (!standard.ok || !express.ok) throw new Error(`no quote for ${country}`);
      expect(express.quote.costCents).toBeGreaterThan(standard.quote.costCents);
      expect(express.quote.estimatedDays.max).toBeLessThan(standard.quote.estimatedDays.max);
    }
  });

  it('costs grow with distance', () => {
    const cost = (c: string) => {
      const r = quoteFor(c, 3000, 'standard');
      if (!r.ok) throw new Error(c);
      return r.quote.costCents;
    };
    expect(cost('DE')).toBeLessThan(cost('FR'));
    expect(cost('FR')).toBeLessThan(cost('NO'));
    expect(cost('NO')).toBeLessThan(cost('AU'));
  });

  it('refuses unsupported destinations and parcels over 70 kg', () => {
    expect(quoteFor('KP', 1000, 'standard')).toMatchObject({ ok: false, reason: 'unsupported_destination' });
    expect(quoteFor('DE', MAX_PARCEL_GRAMS, 'standard').ok).toBe(true);
    expect(quoteFor('DE', MAX_PARCEL_GRAMS + 1, 'standard')).toMatchObject({ ok: false, reason: 'overweight' });
  });

  it('heavy parcels go by freight within the EU only and never by express', () => {
    const heavy = MAX_COURIER_GRAMS + 1;
    expect(quoteFor('DE', heavy, 'standard')).toMatchObject({ ok: true, quote: { carrier: 'DB Schenker' } });
    expect(quoteFor('FR', heavy, 'standard')).toMatchObject({ ok: true, quote: { carrier: 'DB Schenker' } });
    expect(quoteFor('DE', heavy, 'express')).toMatchObject({ ok: false, reason: 'overweight' });
    expect(quoteFor('US', heavy, 'standard')).toMatchObject({ ok: false, reason: 'overweight' });
    expect(quoteFor('US', MAX_COURIER_GRAMS, 'standard')).toMatchObject({ ok: true, quote: { carrier: 'DHL Global' } });
  });

  it('rejects a weight that is not a positive integer (callers validate first)', () => {
    expect(() => quoteFor('DE', 0, 'standard')).toThrow(RangeError);
    expect(() => quoteFor('DE', 1.5, 'standard')).toThrow(RangeError);
  });
});

describe('quote', () => {
  it('gives every method that can take the parcel when none is asked for', () => {
    const all = quote('DE', 2000);
    expect(all.ok && all.quotes.map((q) => q.method)).toEqual(['standard', 'express']);
    const heavy = quote('DE', 40_000);
    expect(heavy.ok && heavy.quotes.map((q) => q.method)).toEqual(['standard']);
    expect(quote('DE', 2000, 'express')).toMatchObject({ ok: true, quotes: [{ method: 'express' }] });
  });

  it('is refused with the reason when no method can take it', () => {
    expect(quote('US', 40_000)).toMatchObject({ ok: false, reason: 'overweight' });
    expect(quote('ZZ', 100)).toMatchObject({ ok: false, reason: 'unsupported_destination' });
    expect(quote('DE', 40_000, 'express')).toMatchObject({ ok: false, reason: 'overweight' });
  });
});
