import { describe, expect, it } from 'vitest';
import { etagFor, matchesIfNoneMatch } from '../../src/domain/etag.ts';

describe('etags', () => {
  const tag = etagFor('p1', 3);
  it('match exactly, weakly, in lists and with *', () => {
    expect(tag).toBe('"p1.3"');
    expect(matchesIfNoneMatch('"p1.3"', tag)).toBe(true);
    expect(matchesIfNoneMatch('W/"p1.3"', tag)).toBe(true);
    expect(matchesIfNoneMatch('"x", "p1.3"', tag)).toBe(true);
    expect(matchesIfNoneMatch('*', tag)).toBe(true);
  });
  it('do not match another version or nothing', () => {
    expect(matchesIfNoneMatch('"p1.2"', tag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, tag)).toBe(false);
    expect(matchesIfNoneMatch('', tag)).toBe(false);
  });
});
