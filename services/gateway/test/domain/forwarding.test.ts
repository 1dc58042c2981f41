import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, rewriteLocation, upstreamRequestHeaders } from '../../src/domain/forwarding.ts';

const ctx = { requestId: 'req-1', clientIp: '203.0.113.7', proto: 'http', host: 'shop.example' };

describe('upstreamRequestHeaders', () => {
  it('drops hop-by-hop headers, including ones the Connection header names', () => {
    const headers = upstreamRequestHeaders(
      { host: 'shop.example', connection: 'keep-alive, x-secret-hop', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', 'x-secret-hop': '1', upgrade: 'websocket', accept: 'application/json' },
      ctx,
    );
    expect(headers).toEqual({
      accept: 'application/json',
      'x-request-id': 'req-1',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'shop.example',
    });
  });

  it('drops framing headers of the client connection (Expect, Content-Length)', () => {
    const headers = upstreamRequestHeaders({ expect: '100-continue', 'content-length': '12', 'content-type': 'application/json' }, ctx);
    expect(headers['expect']).toBeUndefined();
    expect(headers['content-length']).toBeUndefined();
    expect(headers['content-type']).toBe('application/json');
  });

  it('keeps the original Authorization header and adds the verified principal', () => {
    const headers = upstreamRequestHeaders({ authorization: 'Bearer abc' }, { ...ctx, principal: { subject: 'u-1', role: 'customer' } });
    expect(headers).toMatchObject({ authorization: 'Bearer abc', 'x-user-id': 'u-1', 'x-user-role': 'customer' });
  });

  it('never forwards identity, request-id or forwarding headers a client sent', () => {
    const headers = upstreamRequestHeaders(
      { 'x-user-id': 'admin', 'X-User-Role': 'admin', 'x-request-id': 'client-chosen', 'x-forwarded-for': '10.0.0.1' },
      ctx,
    );
    expect(headers['x-user-id']).toBeUndefined();
    expect(headers['x-user-role']).toBeUndefined();
    expect(headers['x-request-id']).toBe('req-1');
    expect(headers['x-forwarded-for']).toBe('203.0.113.7');
  });

  it('joins repeated headers', () => {
    expect(upstreamRequestHeaders({ 'accept-language': ['de', 'en'] }, ctx)['accept-language']).toBe('de, en');
  });
});

describe('clientResponseHeaders', () => {
  it('drops hop-by-hop headers and the upstream request id, rewrites Location', () => {
    expect(
      clientResponseHeaders({ connection: 'keep-alive', 'keep-alive': 'timeout=72', 'x-request-id': 'r', location: '/products/1', etag: '"a"', 'content-type': 'application/json' }, 'catalog'),
    ).toEqual({ location: '/api/catalog/products/1', etag: '"a"', 'content-type': 'application/json' });
  });
  it('keeps absolute and protocol-relative locations', () => {
    expect(rewriteLocation('https://elsewhere.example/x', 'catalog')).toBe('https://elsewhere.example/x');
    expect(rewriteLocation('//elsewhere.example/x', 'catalog')).toBe('//elsewhere.example/x');
  });
});
