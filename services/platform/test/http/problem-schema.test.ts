import { describe, expect, it } from 'vitest';
import { ProblemSchema, problemResponses } from '../../src/http/problem-schema.ts';

describe('problemResponses', () => {
  it('maps each status to the one problem schema', () => {
    const responses = problemResponses(400, 401, 404);
    expect(Object.keys(responses)).toEqual(['400', '401', '404']);
    expect(responses[400]).toBe(ProblemSchema);
    expect(responses[404]).toBe(ProblemSchema);
  });

  it('refuses a status that is not an error', () => {
    expect(() => problemResponses(200)).toThrow('not 200');
    expect(() => problemResponses(400, 600)).toThrow('not 600');
  });

  it('describes the fields every problem carries and allows extensions', () => {
    expect(ProblemSchema.required).toEqual(['type', 'title', 'status', 'detail']);
    expect(ProblemSchema).toMatchObject({ additionalProperties: true });
  });
});
