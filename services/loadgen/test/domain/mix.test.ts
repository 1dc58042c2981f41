import { describe, expect, it } from 'vitest';
import { DEFAULT_MIX_TEXT, emptyMix, formatMix, parseMix, SCENARIOS, WeightedChoice, type Mix, type ScenarioName } from '../../src/domain/mix.ts';
import { createRandom } from '../../src/domain/random.ts';

describe('parseMix', () => {
  it('reads the default mix; unnamed scenarios weigh 0', () => {
    expect(parseMix(DEFAULT_MIX_TEXT)).toEqual({ ok: true, mix: { browse: 50, search: 20, cart: 15, checkout: 8, signup: 5, support: 2 } });
    expect(parseMix(' browse = 3 , search=1')).toEqual({ ok: true, mix: { ...emptyMix(), browse: 3, search: 1 } });
  });

  it.each([
    ['', 'is empty'],
    ['browse', 'malformed entry "browse"'],
    ['browse=1,', 'malformed entry ""'],
    ['browse=-1', 'malformed entry'],
    ['browse=1.5', 'malformed entry'],
    ['browse=abc', 'malformed entry'],
    ['shopping=5', 'unknown scenario "shopping"'],
    ['Browse=5', 'malformed entry'],
    ['browse=5,browse=6', 'names browse twice'],
    ['browse=10001', 'weight above 10000'],
    ['browse=0,search=0', 'no scenario with a positive weight'],
    ['browse=9999999', 'malformed entry'],
  ])('refuses %j (%s)', (text, message) => {
    const result = parseMix(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('formats a mix back to the same text', () => {
    const parsed = parseMix('browse=50,search=20,cart=15,checkout=8,signup=5,support=2');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(formatMix(parsed.mix)).toBe(DEFAULT_MIX_TEXT);
    expect(formatMix({ ...emptyMix(), search: 1 })).toBe('search=1');
  });
});

describe('WeightedChoice', () => {
  const count = (mix: Mix, seed: number, n: number): Record<ScenarioName, number> => {
    const choice = new WeightedChoice(mix);
    const random = createRandom(seed);
    const counts = emptyMix();
    for (let i = 0; i < n; i++) counts[choice.choose(random.next())]++;
    return counts;
  };

  it('maps the unit interval onto cumulative weights', () => {
    const choice = new WeightedChoice({ ...emptyMix(), browse: 1, cart: 3 });
    expect(choice.choose(0)).toBe('browse');
    expect(choice.choose(0.2499)).toBe('browse');
    expect(choice.choose(0.25)).toBe('cart');
    expect(choice.choose(0.9999999)).toBe('cart');
  });

  it('never picks a scenario of weight 0 and refuses an all-zero mix', () => {
    const counts = count({ ...emptyMix(), search: 1, signup: 1 }, 7, 2_000);
    expect(counts.browse + counts.cart + counts.checkout + counts.support).toBe(0);
    expect(() => new WeightedChoice(emptyMix())).toThrow('positive weight');
  });

  it('is deterministic for a seed and follows the weights', () => {
    const parsed = parseMix(DEFAULT_MIX_TEXT);
    if (!parsed.ok) throw new Error(parsed.error);
    const a = count(parsed.mix, 42, 10_000);
    expect(count(parsed.mix, 42, 10_000)).toEqual(a);
    expect(count(parsed.mix, 43, 10_000)).not.toEqual(a);
    // 10,000 draws: each share within 1.5 percentage points of its weight.
    for (const name of SCENARIOS) expect(Math.abs(a[name] / 10_000 - parsed.mix[name] / 100)).toBeLessThan(0.015);
  });
});
