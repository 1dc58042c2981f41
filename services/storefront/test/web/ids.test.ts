import { describe, expect, it } from 'vitest';
import { randomId } from '../../web/src/lib/ids.ts';

describe('randomId', () => {
  it('makes RFC 4122 version 4 ids', () => {
    const id = randomId((b) => b.fill(0xff));
    expect(id).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(randomId((b) => b.fill(0))).toBe('00000000-0000-4000-8000-000000000000');
  });
  it('uses the platform random source by default', () => {
    const ids = new Set(Array.from({ length: 50 }, () => randomId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
