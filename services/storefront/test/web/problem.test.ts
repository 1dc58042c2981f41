import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFrom, fieldLabel, networkError, userMessage } from '../../web/src/lib/problem.ts';

const PROBLEM = 'application/problem+json; charset=utf-8';

describe('apiErrorFrom', () => {
  it('reads a problem+json answer with field errors', () => {
    const body = JSON.stringify({
      type: 'https://shopwatch.dev/problems/validation',
      title: 'Invalid request',
      status: 400,
      detail: 'The request does not match the schema.',
      errors: [
        { field: '/body/email', message: 'must match format "email"' },
        { field: '/body/password', message: 'must NOT have fewer than 8 characters' },
      ],
    });
    const error = apiErrorFrom(400, PROBLEM, body);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, title: 'Invalid request', detail: 'The request does not match the schema.', type: 'https://shopwatch.dev/problems/validation' });
    expect(error.fieldErrors).toEqual([
      { field: '/body/email', message: 'must match format "email"' },
      { field: '/body/password', message: 'must NOT have fewer than 8 characters' },
    ]);
  });

  it('keeps the gateway upstream name, the domain reason and Retry-After', () => {
    const down = apiErrorFrom(503, PROBLEM, JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'Upstream orders is unavailable.', upstream: 'orders' }), '1');
    expect(down).toMatchObject({ status: 503, upstream: 'orders', retryAfterSeconds: 1 });
    expect(userMessage(down)).toBe('Upstream orders is unavailable. Try again in 1 s.');
    const stock = apiErrorFrom(409, PROBLEM, JSON.stringify({ title: 'Conflict', detail: 'Not enough stock.', reason: 'out_of_stock' }));
    expect(stock.reason).toBe('out_of_stock');
    const limited = apiErrorFrom(429, PROBLEM, JSON.stringify({ title: 'Too Many Requests', detail: 'Slow down.', retryAfterSeconds: 30 }));
    expect(limited.retryAfterSeconds).toBe(30);
  });

  it('falls back to a plain sentence for non-problem answers', () => {
    expect(apiErrorFrom(502, 'text/html', '<h1>Bad gateway</h1>')).toMatchObject({ status: 502, title: 'Shop unavailable' });
    expect(apiErrorFrom(401, null, '')).toMatchObject({ title: 'Please sign in', detail: 'You need to sign in to do this.' });
    expect(apiErrorFrom(418, 'text/plain', 'teapot')).toMatchObject({ title: 'Request failed', detail: 'The request failed (418).' });
    expect(apiErrorFrom(599, 'text/plain', '')).toMatchObject({ title: 'Something went wrong' });
  });

  it('survives broken or hostile problem bodies', () => {
    expect(apiErrorFrom(400, PROBLEM, '{not json')).toMatchObject({ title: 'Invalid request', fieldErrors: [] });
    expect(apiErrorFrom(400, PROBLEM, '[1,2]')).toMatchObject({ title: 'Invalid request' });
    expect(apiErrorFrom(400, PROBLEM, JSON.stringify({ title: 7, detail: null, errors: 'x' }))).toMatchObject({ title: 'Invalid request', fieldErrors: [] });
    const long = apiErrorFrom(400, PROBLEM, JSON.stringify({ detail: 'x'.repeat(10_000), errors: Array.from({ length: 100 }, () => ({ field: '/body/a', message: 'bad' })) }));
    expect(long.detail).toHaveLength(500);
    expect(long.fieldErrors).toHaveLength(20);
    expect(apiErrorFrom(400, PROBLEM, JSON.stringify({ errors: [{ path: '/q', message: 'too long' }, { message: '' }, null] })).fieldErrors).toEqual([{ field: '/q', message: 'too long' }]);
  });

  it('ignores a malformed Retry-After', () => {
    expect(apiErrorFrom(429, null, '', 'Wed, 21 Oct 2015 07:28:00 GMT').retryAfterSeconds).toBeUndefined();
    expect(apiErrorFrom(429, null, '', '-1').retryAfterSeconds).toBeUndefined();
  });
});

describe('networkError and labels', () => {
  it('is status 0, with a cancelled variant', () => {
    expect(networkError(new TypeError('fetch failed'))).toMatchObject({ status: 0, title: 'Network problem' });
    expect(networkError(new DOMException('aborted', 'AbortError'))).toMatchObject({ status: 0, title: 'Request cancelled' });
  });
  it('turns JSON pointers into words', () => {
    expect(fieldLabel('/body/shipping/postalCode')).toBe('shipping postal code');
    expect(fieldLabel('/body/items/0/quantity')).toBe('items quantity');
    expect(fieldLabel('/body')).toBe('request');
    expect(fieldLabel('')).toBe('request');
  });
});
