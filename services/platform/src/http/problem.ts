// RFC 9457 problem details. Every error a client sees is one of these, with a stable `type` URI,
// a short title, a detail for humans and, for validation failures, one entry per offending field.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://shopwatch.dev/problems/';

export interface FieldError {
  /** JSON pointer into the request part, e.g. `/body/price`. */
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Throw from a handler to answer with this problem. */
export class ProblemError extends Error {
  readonly status: number;
  readonly problemType: string;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    slug: string,
    title: string,
    detail: string,
    options: { errors?: FieldError[]; extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = status;
    this.problemType = TYPE_BASE + slug;
    this.title = title;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  toProblem(instance?: string): Problem {
    return {
      type: this.problemType,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

export const problems = {
  notFound: (what: string) => new ProblemError(404, 'not-found', 'Not Found', `${what} was not found.`),
  conflict: (detail: string) => new ProblemError(409, 'conflict', 'Conflict', detail),
  unauthorized: (detail = 'A valid bearer token is required.') =>
    new ProblemError(401, 'unauthorized', 'Unauthorized', detail, { headers: { 'www-authenticate': 'Bearer' } }),
  forbidden: (detail: string) => new ProblemError(403, 'forbidden', 'Forbidden', detail),
  badRequest: (detail: string, errors?: FieldError[]) =>
    new ProblemError(400, 'bad-request', 'Bad Request', detail, errors ? { errors } : {}),
  validation: (errors: FieldError[]) =>
    new ProblemError(400, 'validation', 'Invalid request', 'The request does not match the schema.', { errors }),
  unavailable: (dependency: string) =>
    new ProblemError(503, 'unavailable', 'Service Unavailable', `Dependency ${dependency} is unavailable.`, {
      extensions: { dependency },
      headers: { 'retry-after': '1' },
    }),
};

/** Generic problem for a status without a specific cause (detail must not leak internals). */
export function problemForStatus(status: number, detail: string): Problem {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    404: 'Not Found',
    405: 'Method Not Allowed',
    406: 'Not Acceptable',
    413: 'Content Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  const title = titles[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
  return { type: TYPE_BASE + title.toLowerCase().replace(/ /g, '-'), title, status, detail };
}
