import { describe, expect, it } from 'vitest';
import { SITE, siteTarget, splitApiUrl } from '../../src/domain/upstreams.ts';

describe('siteTarget: GET/HEAD outside /api go to the storefront', () => {
  it.each(['/', '/products/1', '/assets/index-abc.js', '/search?q=tea', '/apiary', '/favicon.svg'])('routes %s', (url) => {
    expect(siteTarget('GET', url)).toEqual({ service: SITE, path: url });
    expect(siteTarget('HEAD', url)).toEqual({ service: SITE, path: url });
  });
  it.each(['/api', '/api/', '/api?x=1', '/api/catalog/products', '*'])('leaves %s alone', (url) => {
    expect(siteTarget('GET', url)).toBeUndefined();
  });
  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('never routes %s', (method) => {
    expect(siteTarget(method, '/')).toBeUndefined();
  });
  it('the storefront is not reachable under /api', () => {
    expect(splitApiUrl('/api/storefront/index.html')).toBeUndefined();
    expect(splitApiUrl('/api/storefront')).toBeUndefined();
  });
});
