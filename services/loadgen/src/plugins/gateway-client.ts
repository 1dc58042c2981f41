// The only way loadgen talks to the shop: HTTP to the gateway over a keep-alive undici pool. Every
// request is counted by scenario, step and status class; an unexpected answer becomes a
// ScenarioFailure with a bounded reason, a 429 becomes RateLimited (never a crash).
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Pool } from 'undici';
import type { ScenarioName } from '../domain/mix.ts';
import { RateLimited, reasonForStatus, ScenarioFailure, statusClass, type StatusClass } from '../domain/outcome.ts';
import type { LoadgenMetrics } from './loadgen-metrics.ts';

export interface GatewayClientOptions {
  url: string;
  connections: number;
  requestTimeoutMs: number;
  /** Local address outgoing connections bind to (another loopback address = another rate-limit client). */
  localAddress?: string;
  metrics: LoadgenMetrics;
}

export interface RequestSpec {
  /** Bounded step name, a metric label. */
  step: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  token?: string;
  sessionId?: string;
  /** Extra request headers (e.g. `idempotency-key`). */
  headers?: Record<string, string>;
  /** Statuses that are a normal answer for this step; anything else fails the scenario (429 aside). */
  expect: readonly number[];
  signal?: AbortSignal;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const USER_AGENT = 'shopwatch-loadgen/0.1';
// A no-op tracer unless server.ts started tracing: then each request is a client span whose
// context travels in `traceparent`, so a shopper's journey is one trace through the gateway.
const tracer = trace.getTracer('@shopwatch/loadgen');

export class GatewayClient {
  readonly #pool: Pool;
  readonly #options: GatewayClientOptions;

  constructor(options: GatewayClientOptions) {
    this.#options = options;
    this.#pool = new Pool(new URL(options.url).origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      connect: { timeout: Math.min(5_000, options.requestTimeoutMs) },
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
  }

  /** Sends one request for `scenario`, counted; resolves only with an expected status. */
  async send(scenario: ScenarioName, spec: RequestSpec): Promise<Answer> {
    return tracer.startActiveSpan(
      `${spec.method} ${spec.step}`,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': spec.method, 'url.path': spec.path, 'loadgen.scenario': scenario, 'loadgen.step': spec.step } },
      async (span) => {
        try {
          const answer = await this.#send(scenario, spec);
          span.setAttribute('http.response.status_code', answer.status);
          return answer;
        } catch (error) {
          if (error instanceof ScenarioFailure || error instanceof RateLimited) span.setAttribute('loadgen.outcome', error.name);
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  async #send(scenario: ScenarioName, spec: RequestSpec): Promise<Answer> {
    const headers: Record<string, string> = { ...spec.headers, 'user-agent': USER_AGENT, accept: 'application/json' };
    propagation.inject(context.active(), headers);
    if (spec.token) headers['authorization'] = `Bearer ${spec.token}`;
    if (spec.sessionId) headers['x-session-id'] = spec.sessionId;
    let payload: string | undefined;
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(spec.body);
    }
    let answer: Answer;
    try {
      const response = await this.#pool.request({
        method: spec.method,
        path: withQuery(spec.path, spec.query),
        headers,
        ...(payload === undefined ? {} : { body: payload }),
        ...(spec.signal ? { signal: spec.signal } : {}),
      });
      const text = await response.body.text();
      const type = String(response.headers['content-type'] ?? '');
      answer = { status: response.statusCode, headers: response.headers, body: type.includes('json') && text ? safeJson(text) : text };
    } catch (error) {
      if (spec.signal?.aborted) throw error;
      const kind: StatusClass = isTimeout(error) ? 'timeout' : 'error';
      this.#count(scenario, spec.step, kind);
      const detail = error instanceof Error ? error.message : String(error);
      throw new ScenarioFailure(kind === 'timeout' ? 'timeout' : 'network_error', spec.step, `${spec.method} ${spec.path}: ${detail}`);
    }
    this.#count(scenario, spec.step, statusClass(answer.status));
    if (spec.expect.includes(answer.status)) return answer;
    if (answer.status === 429) throw new RateLimited(spec.step, retryAfter(answer.headers['retry-after']));
    const problemType = problemField(answer.body, 'type');
    const detail = problemField(answer.body, 'detail') ?? '';
    throw new ScenarioFailure(
      reasonForStatus(answer.status, problemType),
      spec.step,
      `${spec.method} ${spec.path} answered ${answer.status}${detail ? `: ${detail}` : ''}`,
    );
  }

  /** Resolves when the gateway answers /livez with 200; throws saying why not (loadgen's readiness check). */
  async ping(): Promise<void> {
    const response = await this.#pool.request({ method: 'GET', path: '/livez', headers: { 'user-agent': USER_AGENT }, signal: AbortSignal.timeout(2_000) });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`gateway /livez answered ${response.statusCode}`);
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  #count(scenario: ScenarioName, step: string, status: StatusClass): void {
    this.#options.metrics.requests.inc({ scenario, step, status_class: status });
  }
}

function withQuery(path: string, query: RequestSpec['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isTimeout(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const seconds = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(seconds) ? seconds : undefined;
}

function problemField(body: unknown, field: 'type' | 'detail'): string | undefined {
  if (typeof body !== 'object' || body === null || !(field in body)) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
