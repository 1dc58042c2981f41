// The adapter to psp, a third party: HTTP (undici, a keep-alive connection pool) behind an opossum
// circuit breaker, with retries and capped exponential backoff for transient failures only.
//
//   attempt ─▶ breaker.fire ─▶ HTTP ─▶ 2xx result │ 4xx "rejected" (never retried, never trips the
//                 │ open: fail fast                │ breaker: psp answered, the request was wrong)
//                 ▼                                └ 5xx / 429 / network error / timeout: transient,
//           short_circuited (not retried)            counted by the breaker, retried with backoff
//
// Retrying an authorisation is safe because every attempt carries the same Idempotency-Key;
// capture, void and refund are idempotent at psp by authorisation id. A decline is a 2xx result, so it is
// never retried.
import { activeTraceHeaders, backoffDelay, type RetryPolicy } from '@shopwatch/platform';
import CircuitBreaker from 'opossum';
import { Agent, request } from 'undici';
import type { PspFailureKind } from '../domain/payment.ts';
import type { PaymentsMetrics } from './payments-metrics.ts';

export type PspOperation = 'authorize' | 'capture' | 'void' | 'refund';
export type CircuitState = 'closed' | 'half_open' | 'open';

export interface PspAuthorization {
  id: string;
  status: 'authorized' | 'declined' | 'captured' | 'voided' | 'refunded';
  amountCents: number;
  currency: string;
  declineCode: string | null;
}

/** A psp call that did not produce a result. `code` is psp's machine-readable code when it answered. */
export class PspFailure extends Error {
  readonly kind: PspFailureKind;
  readonly code: string | undefined;
  readonly status: number | undefined;
  /** True when the breaker refused the call without trying (it is open). */
  readonly shortCircuited: boolean;
  constructor(kind: PspFailureKind, message: string, options: { code?: string; status?: number; shortCircuited?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PspFailure';
    this.kind = kind;
    this.code = options.code;
    this.status = options.status;
    this.shortCircuited = options.shortCircuited ?? false;
  }
}

export interface BreakerSettings {
  /** A call slower than this fails as `timeout` (and counts against the breaker). */
  timeoutMs: number;
  /** Share of failed calls (percent) in the rolling window above which the breaker opens. */
  errorThresholdPercentage: number;
  /** Calls in the window before the breaker may open at all. */
  volumeThreshold: number;
  /** Open → half-open after this long; the next call is the trial. */
  resetTimeoutMs: number;
  rollingWindowMs: number;
}

export interface PspClientOptions {
  baseUrl: string;
  breaker: BreakerSettings;
  /** Attempts per operation (1 = no retry); transient failures only. */
  retry: RetryPolicy;
  metrics: PaymentsMetrics;
  connections?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PspClient {
  authorize(request: { amountCents: number; currency: string; cardToken: string; reference?: string }, idempotencyKey: string): Promise<PspAuthorization>;
  capture(authorizationId: string): Promise<PspAuthorization>;
  void(authorizationId: string): Promise<PspAuthorization>;
  /** Idempotent at psp by authorisation id: a repeat answers the refunded authorisation. */
  refund(authorizationId: string): Promise<PspAuthorization>;
  state(): CircuitState;
  close(): Promise<void>;
}

type Work = () => Promise<PspAuthorization>;
const STATE_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };
const DEPENDENCY = { dependency: 'psp' };

export function createPspClient(options: PspClientOptions): PspClient {
  const { metrics } = options;
  const base = options.baseUrl.replace(/\/+$/, '');
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const agent = new Agent({ connections: options.connections ?? 32, keepAliveTimeout: 4_000, connectTimeout: options.breaker.timeoutMs });
  const breaker = new CircuitBreaker<[Work], PspAuthorization>((work: Work) => work(), {
    // The request aborts itself at timeoutMs; the breaker's own timer is only a backstop.
    timeout: options.breaker.timeoutMs + 250,
    errorThresholdPercentage: options.breaker.errorThresholdPercentage,
    volumeThreshold: options.breaker.volumeThreshold,
    resetTimeout: options.breaker.resetTimeoutMs,
    rollingCountTimeout: options.breaker.rollingWindowMs,
    rollingCountBuckets: 10,
    // psp refusing a request (4xx) means psp is up: it must not open the breaker.
    errorFilter: (error: unknown) => error instanceof PspFailure && error.kind === 'rejected',
  });
  let state: CircuitState = 'closed';
  const enter = (next: CircuitState) => {
    state = next;
    metrics.circuitState.set(DEPENDENCY, STATE_VALUE[next]);
    metrics.circuitTransitions.inc({ ...DEPENDENCY, to: next });
  };
  metrics.circuitState.set(DEPENDENCY, 0);
  breaker.on('open', () => enter('open'));
  breaker.on('halfOpen', () => enter('half_open'));
  breaker.on('close', () => enter('closed'));

  async function send(operation: PspOperation, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<PspAuthorization> {
    const stop = metrics.pspDuration.startTimer({ operation });
    let outcome = 'error';
    try {
      const response = await request(`${base}${path}`, {
        method,
        dispatcher: agent,
        // The active trace context (request or saga message) continues into psp.
        headers: { accept: 'application/json', ...activeTraceHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.breaker.timeoutMs),
      });
      const text = await response.body.text();
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        outcome = 'ok';
        return JSON.parse(text) as PspAuthorization;
      }
      const code = problemCode(text);
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        outcome = 'rejected';
        throw new PspFailure('rejected', `psp refused ${operation} (${status}${code ? ` ${code}` : ''})`, { status, ...(code ? { code } : {}) });
      }
      throw new PspFailure('unavailable', `psp answered ${status} to ${operation}`, { status, ...(code ? { code } : {}) });
    } catch (error) {
      if (error instanceof PspFailure) throw error;
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      if (timedOut) outcome = 'timeout';
      throw new PspFailure(timedOut ? 'timeout' : 'unavailable', `psp ${operation} failed: ${(error as Error).message}`, { cause: error });
    } finally {
      stop({ outcome });
    }
  }

  async function call(operation: PspOperation, work: Work): Promise<PspAuthorization> {
    for (let attempt = 1; ; attempt++) {
      let failure: PspFailure;
      try {
        const result = await breaker.fire(work);
        metrics.pspCalls.inc({ operation, outcome: 'ok' });
        return result;
      } catch (error) {
        failure = asFailure(error);
      }
      metrics.pspCalls.inc({ operation, outcome: failure.shortCircuited ? 'short_circuited' : failure.kind === 'unavailable' ? 'error' : failure.kind });
      // Rejections will not change on retry; an open breaker means "fail fast", not "hammer".
      if (failure.kind === 'rejected' || failure.shortCircuited || attempt >= options.retry.maxAttempts) throw failure;
      metrics.pspRetries.inc({ operation });
      await sleep(backoffDelay(attempt, options.retry, random));
    }
  }

  return {
    authorize: (req, idempotencyKey) =>
      call('authorize', () => send('authorize', 'POST', '/authorizations', req, { 'idempotency-key': idempotencyKey })),
    capture: (id) => call('capture', () => send('capture', 'POST', `/authorizations/${encodeURIComponent(id)}/capture`)),
    void: (id) => call('void', () => send('void', 'POST', `/authorizations/${encodeURIComponent(id)}/void`)),
    refund: (id) => call('refund', () => send('refund', 'POST', `/authorizations/${encodeURIComponent(id)}/refund`)),
    state: () => state,
    async close() {
      breaker.shutdown();
      await agent.close();
    },
  };
}

function asFailure(error: unknown): PspFailure {
  if (error instanceof PspFailure) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'EOPENBREAKER') return new PspFailure('unavailable', 'psp circuit breaker is open', { shortCircuited: true });
  if (code === 'ETIMEDOUT') return new PspFailure('timeout', 'psp call timed out', { cause: error });
  return new PspFailure('unavailable', `psp call failed: ${(error as Error).message}`, { cause: error });
}

function problemCode(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { code?: unknown };
    return typeof parsed.code === 'string' && /^[a-z_]{1,64}$/.test(parsed.code) ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}
