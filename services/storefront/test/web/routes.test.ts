import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute, type Route } from '../../web/src/lib/routes.ts';

describe('parseRoute', () => {
  it.each<[string, string, Route]>([
    ['/', '', { name: 'home', category: undefined, cursor: undefined }],
    ['/', '?category=kitchen&cursor=abc', { name: 'home', category: 'kitchen', cursor: 'abc' }],
    ['/', '?category=Not%20A%20Slug', { name: 'home', category: undefined, cursor: undefined }],
    ['/search', '?q=tea%20pot', { name: 'search', q: 'tea pot', offset: 0 }],
    ['/search', '?q=tea&offset=24', { name: 'search', q: 'tea', offset: 24 }],
    ['/search', '?q=tea&offset=-5', { name: 'search', q: 'tea', offset: 0 }],
    ['/search', '?q=tea&offset=99999', { name: 'search', q: 'tea', offset: 0 }],
    ['/products/3f1c2b4a-9d8e-4f00-a1b2-c3d4e5f60718', '', { name: 'product', id: '3f1c2b4a-9d8e-4f00-a1b2-c3d4e5f60718' }],
    ['/products/a%20b', '', { name: 'not-found' }],
    ['/orders/o-1', '', { name: 'order', id: 'o-1' }],
    ['/orders', '', { name: 'orders' }],
    ['/cart/', '', { name: 'cart' }],
    ['/login', '?next=/checkout', { name: 'login', next: '/checkout' }],
    ['/login', '?next=//evil.example', { name: 'login', next: undefined }],
    ['/login', '?next=https://evil.example', { name: 'login', next: undefined }],
    ['/signup', '?next=/\\evil', { name: 'signup', next: undefined }],
    ['/nope', '', { name: 'not-found' }],
    ['/products/1/extra', '', { name: 'not-found' }],
  ])('%s%s', (path, search, expected) => {
    expect(parseRoute(path, search)).toEqual(expected);
  });
  it('caps the search term', () => {
    expect((parseRoute('/search', `?q=${'a'.repeat(500)}`) as { q: string }).q).toHaveLength(200);
  });
});

describe('hrefFor', () => {
  it.each<[Route, string]>([
    [{ name: 'home' }, '/'],
    [{ name: 'home', category: 'kitchen' }, '/?category=kitchen'],
    [{ name: 'search', q: 'tea & cake', offset: 0 }, '/search?q=tea+%26+cake'],
    [{ name: 'search', q: 'tea', offset: 12 }, '/search?q=tea&offset=12'],
    [{ name: 'product', id: 'p-1' }, '/products/p-1'],
    [{ name: 'login', next: '/checkout' }, '/login?next=%2Fcheckout'],
    [{ name: 'cart' }, '/cart'],
  ])('%j → %s', (route, href) => {
    expect(hrefFor(route)).toBe(href);
  });
  it('round-trips', () => {
    for (const route of [{ name: 'search', q: 'blue mug', offset: 12 }, { name: 'order', id: 'abc' }, { name: 'login', next: '/orders' }] as Route[]) {
      const href = hrefFor(route);
      const [path = '', search = ''] = href.split(/(?=\?)/);
      expect(parseRoute(path, search)).toEqual(route);
    }
  });
});
