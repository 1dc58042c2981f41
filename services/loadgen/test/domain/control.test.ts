import { describe, expect, it } from 'vitest';
import { applyControl, type ControlSettings } from '../../src/domain/control.ts';
import { emptyMix } from '../../src/domain/mix.ts';

const current: ControlSettings = { rate: 2, mix: { ...emptyMix(), browse: 1 }, paused: false, maxInFlight: 10 };
const limits = { maxRate: 100, maxInFlight: 500 };

describe('applyControl', () => {
  it('changes only what is given; a mix replaces the whole mix', () => {
    expect(applyControl(current, { rate: 7.5 }, limits)).toEqual({ ok: true, settings: { ...current, rate: 7.5 } });
    expect(applyControl(current, { paused: true, maxInFlight: 500 }, limits)).toEqual({ ok: true, settings: { ...current, paused: true, maxInFlight: 500 } });
    expect(applyControl(current, { mix: { search: 2, signup: 1 } }, limits)).toEqual({
      ok: true,
      settings: { ...current, mix: { ...emptyMix(), search: 2, signup: 1 } },
    });
    expect(applyControl(current, { rate: 0 }, limits)).toEqual({ ok: true, settings: { ...current, rate: 0 } });
  });

  it.each([
    [{ rate: 101 }, '/body/rate'],
    [{ rate: -1 }, '/body/rate'],
    [{ rate: Number.POSITIVE_INFINITY }, '/body/rate'],
    [{ rate: Number.NaN }, '/body/rate'],
    [{ maxInFlight: 0 }, '/body/maxInFlight'],
    [{ maxInFlight: 501 }, '/body/maxInFlight'],
    [{ maxInFlight: 1.5 }, '/body/maxInFlight'],
    [{ mix: {} }, '/body/mix'],
    [{ mix: { browse: 0, cart: 0 } }, '/body/mix'],
    [{ mix: { browse: -1 } }, '/body/mix'],
  ])('refuses %j naming %s, and changes nothing', (update, field) => {
    const result = applyControl(current, update, limits);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual([field]);
  });

  it('reports every bad field at once', () => {
    const result = applyControl(current, { rate: 1_000, maxInFlight: 0, mix: {} }, limits);
    expect(result.ok ? [] : result.errors.map((e) => e.field)).toEqual(['/body/rate', '/body/maxInFlight', '/body/mix']);
  });
});
