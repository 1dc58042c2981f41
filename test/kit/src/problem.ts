// One check that an answer is an RFC 9457 problem (docs/architecture.md §3): the expected status
// (or any 4xx), `application/problem+json`, and a body with `type`, `title`, `detail` and the same
// `status`. Throws an Error naming what was sent, so it works inside any test runner.

/** What an answer must look like: `app.inject`'s response, or a fetched one read as text. */
export interface ProblemAnswer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * Asserts `res` is a problem with status `expected` ('client': any 4xx, never a 5xx; 'any': any
 * 4xx or 5xx) and returns its body. `what` names the request in the failure message.
 */
export function expectProblem<T = Record<string, unknown>>(res: ProblemAnswer, expected: number | 'client' | 'any', what = ''): T {
  const label = what ? `${what}: ` : '';
  if (expected === 'any') {
    if (res.statusCode < 400 || res.statusCode >= 600) throw new Error(`${label}expected a problem status, got ${res.statusCode}: ${res.body.slice(0, 500)}`);
  } else if (expected === 'client') {
    if (res.statusCode < 400 || res.statusCode >= 500) throw new Error(`${label}expected a 4xx problem, got ${res.statusCode}: ${res.body.slice(0, 500)}`);
  } else if (res.statusCode !== expected) {
    throw new Error(`${label}expected ${expected}, got ${res.statusCode}: ${res.body.slice(0, 500)}`);
  }
  const contentType = String(res.headers['content-type']);
  if (!contentType.startsWith('application/problem+json')) throw new Error(`${label}expected application/problem+json, got ${contentType} (${res.statusCode})`);
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    throw new Error(`${label}the problem body is not JSON: ${res.body.slice(0, 200)}`);
  }
  const problem = body as Record<string, unknown>;
  if (typeof body !== 'object' || body === null || problem['status'] !== res.statusCode || typeof problem['type'] !== 'string' || typeof problem['title'] !== 'string' || typeof problem['detail'] !== 'string') {
    throw new Error(`${label}malformed problem (needs type, title, detail and status ${res.statusCode}): ${res.body.slice(0, 500)}`);
  }
  return problem as T;
}
