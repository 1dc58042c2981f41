import { describe, expect, it } from 'vitest';
import { accessFor, hasDotSegments, resolveUpstreams, routeClass, SERVICES, splitApiUrl } from '../../src/domain/upstreams.ts';

describe('splitApiUrl', () => {
  it.each([
    ['/api/catalog/products', { service: 'catalog', path: '/products' }],
    ['/api/catalog/products/1?x=%20y', { service: 'catalog', path: '/products/1?x=%20y' }],
    ['/api/catalog', { service: 'catalog', path: '/' }],
    ['/api/catalog?limit=1', { service: 'catalog', path: '/?limit=1' }],
    ['/api/catalog/', { service: 'catalog', path: '/' }],
  ])('%s', (url, expected) => {
    expect(splitApiUrl(url)).toEqual(expected);
  });
  it.each(['/api', '/api/', '/api/Catalog/x', '/api/cat%61log/x', '/catalog/x', '/api/catalog2/x'])('refuses %s', (url) => {
    expect(splitApiUrl(url)).toBeUndefined();
  });
});

describe('access policy', () => {
  const policy = (name: string) => SERVICES[name]!.policy;
  it('catalog: reads public, writes admin', () => {
    expect(accessFor(policy('catalog'), 'GET', '/products?limit=1')).toBe('public');
    expect(accessFor(policy('catalog'), 'HEAD', '/products/1')).toBe('public');
    expect(accessFor(policy('catalog'), 'POST', '/products')).toBe('admin');
    expect(accessFor(policy('catalog'), 'DELETE', '/categories/1')).toBe('admin');
  });
  it('users: only sign-up and login are public, matched exactly', () => {
    expect(accessFor(policy('users'), 'POST', '/signup')).toBe('public');
    expect(accessFor(policy('users'), 'POST', '/login?next=/')).toBe('public');
    expect(accessFor(policy('users'), 'GET', '/login')).toBe('signed-in');
    expect(accessFor(policy('users'), 'POST', '/login/x')).toBe('signed-in');
    expect(accessFor(policy('users'), 'POST', '/%6Cogin')).toBe('signed-in');
    expect(accessFor(policy('users'), 'GET', '/me')).toBe('signed-in');
  });
  it('orders: everything needs a signed-in client', () => {
    expect(accessFor(policy('orders'), 'GET', '/orders')).toBe('signed-in');
  });
  it('analytics: click events are public, the rest admin', () => {
    expect(accessFor(policy('analytics'), 'POST', '/events')).toBe('public');
    expect(accessFor(policy('analytics'), 'GET', '/funnel')).toBe('admin');
  });
  it('psp and loadgen are not routed at all', () => {
    expect(SERVICES['psp']).toBeUndefined();
    expect(SERVICES['loadgen']).toBeUndefined();
  });
});

describe('dot segments', () => {
  it.each(['/../x', '/a/./b', '/%2e%2e/x', '/%2E/x', '/a/..'])('finds them in %s', (path) => expect(hasDotSegments(path)).toBe(true));
  it.each(['/a.b/c', '/...', '/x?y=../z', '/.well-known'])('allows %s', (path) => expect(hasDotSegments(path)).toBe(false));
});

describe('routeClass', () => {
  it('puts sign-up and login in the auth class, the rest in api', () => {
    expect(routeClass('users', 'POST', '/login')).toBe('auth');
    expect(routeClass('users', 'POST', '/signup?x=1')).toBe('auth');
    expect(routeClass('users', 'GET', '/me')).toBe('api');
    expect(routeClass('catalog', 'POST', '/login')).toBe('api');
  });
});

describe('resolveUpstreams', () => {
  it('takes <NAME>_URL from the environment and defaults to the local make-dev ports', () => {
    const upstreams = resolveUpstreams({ CATALOG_URL: 'http://catalog:8080/' });
    const byName = Object.fromEntries(upstreams.map((u) => [u.name, u.url]));
    expect(byName['catalog']).toBe('http://catalog:8080');
    expect(byName['users']).toBe('http://127.0.0.1:8101');
    expect(byName['orders']).toBe('http://127.0.0.1:8104');
    expect(upstreams.map((u) => u.name).sort()).toEqual(Object.keys(SERVICES).sort());
  });
});

describe('inventory access', () => {
  const policy = SERVICES['inventory']!.policy;
  it('keeps stock reads public and reservations for admins', () => {
    expect(accessFor(policy, 'GET', '/stock')).toBe('public');
    expect(accessFor(policy, 'GET', '/stock/3f1c2b4a-9d8e-4f00-a1b2-c3d4e5f60718')).toBe('public');
    expect(accessFor(policy, 'GET', '/stockpile')).toBe('admin');
    expect(accessFor(policy, 'GET', '/reservations/order-1')).toBe('admin');
    expect(accessFor(policy, 'POST', '/stock/x/restock')).toBe('admin');
  });
});
