import { describe, expect, it } from 'vitest';
import { cacheControlFor, decideStatic, MAX_PATH_LENGTH } from '../../src/domain/static-paths.ts';

describe('decideStatic', () => {
  it.each(['/', '/products/3f1c', '/search?q=a.b', '/orders/o-1/', '/login?next=/x.y'])('%s is a page', (url) => {
    expect(decideStatic(url)).toEqual({ kind: 'page' });
  });
  it.each([
    ['/assets/index-abc.js', 'assets/index-abc.js'],
    ['/favicon.svg', 'favicon.svg'],
    ['/index.html?v=1', 'index.html'],
    ['/assets/a%20b.css', 'assets/a b.css'],
  ])('%s is the file %s', (url, path) => {
    expect(decideStatic(url)).toEqual({ kind: 'file', path });
  });
  it.each(['/api', '/api/catalog/products', '/.env', '/assets/.hidden.js', '/.git/config'])('%s is never served', (url) => {
    expect(decideStatic(url)).toEqual({ kind: 'missing' });
  });
  it.each([
    '/../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/assets/%2E%2E/%2E%2E/secret.txt',
    '/a/./b',
    '/assets/..%2f..%2fsecret',
    '/%00.js',
    '/a%5c..%5cb.js',
    '/%E0%A4%A',
    `/${'a'.repeat(MAX_PATH_LENGTH)}`,
    'relative.js',
  ])('%s is refused', (url) => {
    expect(decideStatic(url).kind).toBe('bad');
  });
});

describe('cacheControlFor', () => {
  it('caches hashed assets for a year and revalidates everything else', () => {
    expect(cacheControlFor('assets/index-abc.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('index.html')).toBe('no-cache');
    expect(cacheControlFor('favicon.svg')).toBe('no-cache');
    expect(cacheControlFor('assetsx/a.js')).toBe('no-cache');
  });
});
