import { describe, expect, it } from 'vitest';
import { classifyFailure, upstreamProblem } from '../../src/plugins/upstream-client.ts';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('classifyFailure', () => {
  it.each([
    ['ECONNREFUSED', 'unavailable'],
    ['ENOTFOUND', 'unavailable'],
    ['UND_ERR_CONNECT_TIMEOUT', 'unavailable'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_SOCKET', 'bad_gateway'],
    ['HPE_INVALID_CONSTANT', 'bad_gateway'],
  ])('%s → %s', (code, kind) => {
    expect(classifyFailure(withCode(code))).toBe(kind);
  });
  it('looks at the cause when the error itself has no code', () => {
    expect(classifyFailure(new Error('fetch failed', { cause: withCode('ECONNREFUSED') }))).toBe('unavailable');
    expect(classifyFailure('weird')).toBe('bad_gateway');
  });
});

describe('upstreamProblem', () => {
  it('names the upstream with the matching status', () => {
    expect(upstreamProblem('orders', 'unavailable').toProblem()).toMatchObject({ status: 503, upstream: 'orders', detail: 'Upstream orders is unavailable.' });
    expect(upstreamProblem('orders', 'unavailable').headers).toEqual({ 'retry-after': '1' });
    expect(upstreamProblem('catalog', 'timeout').toProblem()).toMatchObject({ status: 504, upstream: 'catalog' });
    expect(upstreamProblem('users', 'bad_gateway').toProblem()).toMatchObject({ status: 502, upstream: 'users' });
  });
});
