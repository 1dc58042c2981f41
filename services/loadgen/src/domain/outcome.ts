// How a request's answer is counted: its status class (a bounded label) and, when it ends a
// scenario as failed, a bounded reason. 429 is neither success nor failure: the gateway's rate
// limit did its job, so the scenario's outcome is `rate_limited`.

export const OUTCOMES = ['ok', 'failed', 'dropped', 'rate_limited'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx', 'error', 'timeout'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export const FAILURE_REASONS = [
  'upstream_unavailable',
  'upstream_timeout',
  'bad_gateway',
  'server_error',
  'unauthorized',
  'not_found',
  'client_error',
  'timeout',
  'network_error',
  'unexpected_response',
  'order_timeout',
  'no_products',
  'internal',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export function statusClass(status: number): StatusClass {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  return '5xx';
}

/** The reason an unexpected status fails a scenario (the gateway's problem type tells 503s apart). */
export function reasonForStatus(status: number, problemType?: string): FailureReason {
  if (status === 503) return problemType?.endsWith('/upstream-unavailable') || problemType === undefined ? 'upstream_unavailable' : 'server_error';
  if (status === 504) return 'upstream_timeout';
  if (status === 502) return 'bad_gateway';
  if (status >= 500) return 'server_error';
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status >= 400) return 'client_error';
  return 'unexpected_response';
}

/** Ends a scenario as failed, with a bounded reason for metrics and a detail for the log. */
export class ScenarioFailure extends Error {
  override name = 'ScenarioFailure';
  readonly reason: FailureReason;
  readonly step: string;

  constructor(reason: FailureReason, step: string, detail: string) {
    super(detail);
    this.reason = reason;
    this.step = step;
  }
}

/** Ends a scenario as rate_limited (the gateway answered 429). */
export class RateLimited extends Error {
  override name = 'RateLimited';
  readonly step: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(step: string, retryAfterSeconds: number | undefined) {
    super(`rate limited at ${step}`);
    this.step = step;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
