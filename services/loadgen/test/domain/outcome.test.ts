import { describe, expect, it } from 'vitest';
import { reasonForStatus, statusClass } from '../../src/domain/outcome.ts';

describe('outcome classification', () => {
  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [304, '3xx'],
    [404, '4xx'],
    [429, '4xx'],
    [503, '5xx'],
  ])('status %d is class %s', (status, expected) => {
    expect(statusClass(status)).toBe(expected);
  });

  it.each([
    [503, 'https://shopwatch.dev/problems/upstream-unavailable', 'upstream_unavailable'],
    [503, undefined, 'upstream_unavailable'],
    [503, 'https://shopwatch.dev/problems/unavailable', 'server_error'],
    [504, 'https://shopwatch.dev/problems/upstream-timeout', 'upstream_timeout'],
    [502, 'https://shopwatch.dev/problems/bad-gateway', 'bad_gateway'],
    [500, undefined, 'server_error'],
    [401, undefined, 'unauthorized'],
    [403, undefined, 'unauthorized'],
    [404, undefined, 'not_found'],
    [400, 'https://shopwatch.dev/problems/validation', 'client_error'],
    [422, undefined, 'client_error'],
    [200, undefined, 'unexpected_response'],
  ])('status %d (%s) fails a journey as %s', (status, type, reason) => {
    expect(reasonForStatus(status, type)).toBe(reason);
  });
});
