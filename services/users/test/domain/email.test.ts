import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../src/domain/email.ts';
import { cleanDisplayName } from '../../src/domain/display-name.ts';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Alice.Smith@Example.COM ')).toBe('alice.smith@example.com');
  });
  it('maps composed and decomposed forms to one', () => {
    expect(normaliseEmail('Jose\u0301@example.com')).toBe(normaliseEmail('jos\u00e9@example.com'));
  });
});

describe('cleanDisplayName', () => {
  it('collapses inner whitespace and trims the ends', () => {
    expect(cleanDisplayName('  Ada   \t Lovelace ')).toBe('Ada Lovelace');
  });
  it('keeps non-Latin letters and emoji', () => {
    expect(cleanDisplayName('Zoë 李 ☕')).toBe('Zoë 李 ☕');
  });
  it.each(['', '   ', 'a\u0000b', 'bell\u0007', 'rtl\u202eoverride', 'zero\u200bwidth', 'line\u2028sep'])('refuses %j', (raw) => {
    expect(cleanDisplayName(raw)).toBeUndefined();
  });
});
