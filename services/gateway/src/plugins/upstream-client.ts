// HTTP to the upstream services with undici: one keep-alive Pool per upstream, a timeout for the
// response headers and for gaps in the body, and every failure turned into a problem that names
// the upstream — 503 when it cannot be reached, 504 when it is too slow, 502 when it answers
// with something that is not HTTP or breaks off. Pools close on the app's onClose.
import { ProblemError, problems } from '@shopwatch/platform';
import { Pool, type Dispatcher } from 'undici';
import type { Upstream } from '../domain/upstreams.ts';
import type { GatewayMetrics, UpstreamFailure } from './gateway-metrics.ts';

export interface UpstreamSettings {
  /** Longest wait for response headers, and longest pause inside a response body. */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Concurrent connections per upstream. */
  connections: number;
  /** Responses with a Content-Length up to this many bytes are read whole, then sent; larger ones are streamed. */
  bufferBytes: number;
}

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
  signal?: AbortSignal | undefined;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNRESET']);
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/**
 * A reused keep-alive socket the upstream had just closed (a pod going away): the request may have
 * reached it, so it is sent again once only when repeating it is harmless — an idempotent method,
 * or a request under an Idempotency-Key, which the services answer once whatever the repeats.
 */
const STALE_SOCKET = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * The connection was refused: nothing was sent, so any method is tried again — after a short pause,
 * on a new connection, which the Service may give to another pod (the refusing one is stopping or
 * not started yet during a rollout). A few tries only: a service that is down stays a fast 503.
 */
const REFUSED_RETRY_DELAYS_MS = [50, 200];

function safeToRepeat(request: UpstreamRequest): boolean {
  return IDEMPOTENT.has(request.method) || Boolean(request.headers['idempotency-key']);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : errorCode(cause);
}

export function classifyFailure(error: unknown): UpstreamFailure {
  const code = errorCode(error);
  if (code && TIMEOUTS.has(code)) return 'timeout';
  if (code && UNREACHABLE.has(code)) return 'unavailable';
  return 'bad_gateway';
}

export function upstreamProblem(service: string, kind: UpstreamFailure): ProblemError {
  if (kind === 'unavailable') {
    return new ProblemError(503, 'upstream-unavailable', 'Service Unavailable', `Upstream ${service} is unavailable.`, {
      extensions: { upstream: service },
      headers: { 'retry-after': '1' },
    });
  }
  if (kind === 'timeout') {
    return new ProblemError(504, 'upstream-timeout', 'Gateway Timeout', `Upstream ${service} did not answer in time.`, { extensions: { upstream: service } });
  }
  return new ProblemError(502, 'bad-gateway', 'Bad Gateway', `Upstream ${service} sent an invalid response.`, { extensions: { upstream: service } });
}

export class UpstreamClient {
  private readonly pools = new Map<string, Pool>();
  private readonly settings: UpstreamSettings;
  private readonly metrics: GatewayMetrics;
  readonly bufferBytes: number;

  constructor(upstreams: Upstream[], settings: UpstreamSettings, metrics: GatewayMetrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.bufferBytes = settings.bufferBytes;
    for (const upstream of upstreams) {
      this.pools.set(
        upstream.name,
        new Pool(upstream.url, {
          connections: settings.connections,
          connectTimeout: settings.connectTimeoutMs,
          headersTimeout: settings.timeoutMs,
          bodyTimeout: settings.timeoutMs,
          // Below the services' server keep-alive (72 s), so the gateway closes idle sockets first.
          keepAliveTimeout: 30_000,
          keepAliveMaxTimeout: 60_000,
        }),
      );
    }
  }

  /**
   * Sends a request and resolves with the upstream's response (any status; the body is a stream
   * the caller must consume). Rejects with a ProblemError naming the upstream when it fails.
   */
  async request(service: string, request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const pool = this.pools.get(service);
    if (!pool) throw new Error(`no pool for upstream ${service}`);
    const stop = this.metrics.upstreamDuration.startTimer({ upstream: service, method: request.method });
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await pool.request({
          method: request.method,
          path: request.path,
          headers: request.headers,
          body: request.body ?? null,
          signal: request.signal,
        });
        stop({ status_code: String(response.statusCode) });
        return response;
      } catch (error) {
        if (request.signal?.aborted) throw error;
        const code = errorCode(error);
        if (code === 'UND_ERR_INVALID_ARG') {
          // Something the client sent that HTTP/1.1 cannot carry on (the client's fault, not the upstream's).
          stop({ status_code: '400' });
          throw problems.badRequest(`The request cannot be forwarded to ${service}: ${error instanceof Error ? error.message : 'invalid'}.`);
        }
        if (attempt === 1 && code && STALE_SOCKET.has(code) && safeToRepeat(request)) continue;
        const pause = code === 'ECONNREFUSED' ? REFUSED_RETRY_DELAYS_MS[attempt - 1] : undefined;
        if (pause !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          if (!request.signal?.aborted) continue;
        }
        const kind = classifyFailure(error);
        stop({ status_code: kind === 'unavailable' ? '503' : kind === 'timeout' ? '504' : '502' });
        this.metrics.upstreamFailures.inc({ upstream: service, kind });
        throw upstreamProblem(service, kind);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}
