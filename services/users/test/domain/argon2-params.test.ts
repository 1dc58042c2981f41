import { describe, expect, it } from 'vitest';
import { needsRehash, parseArgon2Params } from '../../src/domain/argon2-params.ts';

const current = { memoryKib: 19456, timeCost: 2, parallelism: 1 };

describe('argon2 PHC parameters', () => {
  it('reads algorithm and costs', () => {
    expect(parseArgon2Params('$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA')).toEqual({ algorithm: 'argon2id', memoryKib: 19456, timeCost: 2, parallelism: 1 });
    expect(parseArgon2Params('$2b$10$abcdefghijklmnopqrstuv')).toBeUndefined();
  });

  it('asks for a rehash when a hash is weaker than the settings or not argon2id', () => {
    expect(needsRehash('$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', current)).toBe(false);
    expect(needsRehash('$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA', current)).toBe(false);
    expect(needsRehash('$argon2id$v=19$m=4096,t=2,p=1$c2FsdA$aGFzaA', current)).toBe(true);
    expect(needsRehash('$argon2id$v=19$m=19456,t=1,p=1$c2FsdA$aGFzaA', current)).toBe(true);
    expect(needsRehash('$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', current)).toBe(true);
    expect(needsRehash('garbage', current)).toBe(true);
  });
});
