import { describe, expect, it } from 'vitest';
import { Catalogue, chooseSearchTerm, termsOf, UNMATCHED_TERMS } from '../../src/domain/catalogue.ts';
import { isLoopbackUrl } from '../../src/domain/loopback.ts';
import { createRandom } from '../../src/domain/random.ts';

describe('catalogue vocabulary', () => {
  it('takes words and word pairs from names and tags', () => {
    expect(termsOf({ name: 'Classic Cast Iron Kettle 2', tags: ['cast-iron', 'kitchen'] })).toEqual([
      'classic',
      'cast',
      'iron',
      'kettle',
      'classic cast',
      'cast iron',
      'iron kettle',
      'kitchen',
    ]);
  });

  it('draws searches mostly from the catalogue, some that cannot match, deterministically per seed', () => {
    const catalogue = new Catalogue();
    catalogue.learnProducts([
      { id: 'a', name: 'Compact walnut cutting board', categorySlug: 'kitchen', tags: ['walnut'] },
      { id: 'b', name: 'Travel titanium headlamp', categorySlug: 'outdoor', tags: ['titanium'] },
    ]);
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 1_000 }, () => chooseSearchTerm(catalogue, () => random.next()));
    };
    const terms = draw(3);
    expect(draw(3)).toEqual(terms);
    const known = new Set([...catalogue.words, ...catalogue.phrases]);
    const misses = terms.filter((t) => UNMATCHED_TERMS.includes(t)).length;
    expect(terms.every((t) => known.has(t) || UNMATCHED_TERMS.includes(t))).toBe(true);
    expect(misses).toBeGreaterThan(50);
    expect(misses).toBeLessThan(150);
    expect(catalogue.categories.sort()).toEqual(['kitchen', 'outdoor']);
  });

  it('with nothing learnt yet, searches for terms that exist in any shop vocabulary list', () => {
    const random = createRandom(1);
    expect(UNMATCHED_TERMS).toContain(chooseSearchTerm(new Catalogue(), () => random.next()));
  });

  it('forgets a product that disappeared', () => {
    const catalogue = new Catalogue();
    catalogue.learnProducts([{ id: 'a', name: 'Kite', categorySlug: 'toys', tags: [] }]);
    catalogue.forget('a');
    expect(catalogue.products).toEqual([]);
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    ['http://127.0.0.1:8080', true],
    ['http://127.1.2.3', true],
    ['http://localhost:8080', true],
    ['http://[::1]:8080', true],
    ['http://10.0.0.1:8080', false],
    ['http://gateway:8080', false],
    ['https://shop.example.com', false],
    ['http://127.0.0.1.example.com', false],
    ['http://localhost.evil.com', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });
});
