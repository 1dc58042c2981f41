// Every failed API call becomes one ApiError with a message a shopper can read: the service's
// problem+json (title, detail, per-field errors) when there is one, otherwise a plain sentence
// for the status. Network failures are status 0.

export interface FieldProblem {
  /** JSON pointer into the request, e.g. `/body/email`. */
  field: string;
  message: string;
}

export interface ApiErrorInit {
  status: number;
  title: string;
  detail: string;
  type?: string | undefined;
  fieldErrors?: FieldProblem[];
  retryAfterSeconds?: number | undefined;
  /** The service that failed behind the gateway (its 502/503/504 name it). */
  upstream?: string | undefined;
  /** Domain extensions, e.g. an order's `reason`. */
  reason?: string | undefined;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type: string | undefined;
  readonly fieldErrors: FieldProblem[];
  readonly retryAfterSeconds: number | undefined;
  readonly upstream: string | undefined;
  readonly reason: string | undefined;

  constructor(init: ApiErrorInit) {
    super(init.detail || init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.upstream = init.upstream;
    this.reason = init.reason;
  }
}

const STATUS_TEXT: Record<number, [string, string]> = {
  400: ['Invalid request', 'Some of the information sent was not accepted.'],
  401: ['Please sign in', 'You need to sign in to do this.'],
  403: ['Not allowed', 'Your account may not do this.'],
  404: ['Not found', 'We could not find what you were looking for.'],
  409: ['Conflict', 'This conflicts with something that already exists.'],
  413: ['Too large', 'What you sent is too large.'],
  422: ['Not possible', 'The request could not be carried out.'],
  429: ['Too many requests', 'You are going a bit fast. Please try again in a moment.'],
  502: ['Shop unavailable', 'Part of the shop answered unexpectedly. Please try again.'],
  503: ['Shop unavailable', 'Part of the shop is unavailable right now. Please try again shortly.'],
  504: ['Shop too slow', 'Part of the shop did not answer in time. Please try again.'],
};

function generic(status: number): [string, string] {
  return STATUS_TEXT[status] ?? (status >= 500 ? ['Something went wrong', 'The shop had a problem. Please try again.'] : ['Request failed', `The request failed (${status}).`]);
}

function str(value: unknown, max = 500): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;
}

function fieldErrorsFrom(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  const out: FieldProblem[] = [];
  for (const item of value.slice(0, 20)) {
    if (typeof item !== 'object' || item === null) continue;
    const e = item as Record<string, unknown>;
    const message = str(e['message'], 300);
    if (!message) continue;
    out.push({ field: str(e['field'], 200) ?? str(e['path'], 200) ?? str(e['instancePath'], 200) ?? '', message });
  }
  return out;
}

function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/** Maps a non-2xx response to an ApiError. `body` is the raw response text. */
export function apiErrorFrom(status: number, contentType: string | null, body: string, retryAfter?: string | null): ApiError {
  const [title, detail] = generic(status);
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/problem+json') || type.startsWith('application/json')) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      data = undefined;
    }
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      const p = data as Record<string, unknown>;
      return new ApiError({
        status,
        title: str(p['title'], 200) ?? title,
        detail: str(p['detail']) ?? detail,
        type: str(p['type'], 300),
        fieldErrors: fieldErrorsFrom(p['errors']),
        retryAfterSeconds: retryAfterSeconds ?? (typeof p['retryAfterSeconds'] === 'number' ? p['retryAfterSeconds'] : undefined),
        upstream: str(p['upstream'], 64),
        reason: str(p['reason'], 64),
      });
    }
  }
  return new ApiError({ status, title, detail, retryAfterSeconds });
}

export function networkError(cause: unknown): ApiError {
  const aborted = typeof cause === 'object' && cause !== null && (cause as { name?: unknown }).name === 'AbortError';
  return new ApiError({
    status: 0,
    title: aborted ? 'Request cancelled' : 'Network problem',
    detail: aborted ? 'The request was cancelled.' : 'The shop could not be reached. Check your connection and try again.',
  });
}

/** One line for the shopper: the detail, and when to retry if the server said. */
export function userMessage(error: ApiError): string {
  const retry = error.retryAfterSeconds !== undefined ? ` Try again in ${error.retryAfterSeconds} s.` : '';
  return `${error.detail}${retry}`;
}

/** "/body/shipping/postalCode" → "shipping postal code": a field name a shopper recognises. */
export function fieldLabel(pointer: string): string {
  const parts = pointer.split('/').filter((p) => p && p !== 'body' && p !== 'query' && p !== 'params' && !/^\d+$/.test(p));
  return parts.map((p) => p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()).join(' ') || 'request';
}
