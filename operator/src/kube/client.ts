// A small JSON client for the Kubernetes REST API over node:https with one keep-alive agent, so
// 500 resources do not mean 500 TLS handshakes. Responses stay plain JSON — the same shape the
// watch stream delivers — so live objects from lists, gets and watches compare alike.
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import { loadConnection, type Connection } from './config.ts';

export class ApiError extends Error {
  readonly statusCode: number;
  readonly reason: string;
  constructor(statusCode: number, reason: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.reason = reason;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.statusCode === 404;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** Abort the request after this many milliseconds without progress (default 30 s). */
  timeoutMs?: number;
}

export interface WatchHandle {
  /** Resolves when the stream ends cleanly; rejects on errors (including abort). */
  done: Promise<void>;
  abort(): void;
}

export class KubeClient {
  readonly connection: Connection;
  readonly #agent: http.Agent;
  readonly #transport: typeof http | typeof https;

  constructor(connection: Connection) {
    this.connection = connection;
    const isHttps = connection.server.protocol === 'https:';
    this.#transport = isHttps ? https : http;
    this.#agent = isHttps
      ? new https.Agent({ keepAlive: true, maxSockets: 32, ...stripUndefined(connection.tls) })
      : new http.Agent({ keepAlive: true, maxSockets: 32 });
  }

  /** From an explicit kubeconfig path, else KUBECONFIG / ~/.kube/config / in-cluster. */
  static async connect(kubeconfigPath?: string): Promise<KubeClient> {
    return new KubeClient(await loadConnection(kubeconfigPath));
  }

  close(): void {
    this.#agent.destroy();
  }

  #url(path: string, query: Query | undefined): URL {
    const url = new URL(this.connection.server.pathname.replace(/\/$/, '') + path, this.connection.server);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  async #open(path: string, options: RequestOptions, body: string | undefined): Promise<{ req: http.ClientRequest; res: Promise<http.IncomingMessage> }> {
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = { ...(await this.connection.headers()), Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = this.#transport.request(this.#url(path, options.query), { method, agent: this.#agent, headers, timeout: options.timeoutMs ?? 30_000 });
    const res = new Promise<http.IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no response for ${options.timeoutMs ?? 30_000} ms`)));
    if (body !== undefined) req.write(body);
    req.end();
    return { req, res };
  }

  async request<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const { res } = await this.#open(path, options, body);
    const response = await res;
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw toApiError(status, text, `${options.method ?? 'GET'} ${path}`);
    return (text.length > 0 && (text.startsWith('{') || text.startsWith('[')) ? JSON.parse(text) : text) as T;
  }

  /**
   * A watch stream: calls `onEvent` for each JSON line. The request has no overall timeout (the
   * server ends it after `timeoutSeconds`); the caller's watchdog aborts a stream that goes quiet.
   */
  watch(path: string, query: Query, onEvent: (event: { type: string; object: unknown }) => void): WatchHandle {
    let request: http.ClientRequest | undefined;
    let aborted = false;
    const done = (async () => {
      const opened = await this.#open(path, { query: { ...query, watch: true }, timeoutMs: 0 }, undefined);
      request = opened.req;
      if (aborted) request.destroy(new Error('watch aborted'));
      const response = await opened.res;
      if ((response.statusCode ?? 0) !== 200) {
        const chunks: Buffer[] = [];
        for await (const chunk of response) chunks.push(chunk as Buffer);
        throw toApiError(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), `watch ${path}`);
      }
      const lines = createInterface({ input: response, crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.length === 0) continue;
        onEvent(JSON.parse(line) as { type: string; object: unknown });
      }
      if (aborted) throw new Error('watch aborted');
    })();
    return {
      done,
      abort() {
        aborted = true;
        request?.destroy(new Error('watch aborted'));
      },
    };
  }
}

function toApiError(status: number, text: string, what: string): ApiError {
  let reason = 'Unknown';
  let message = `${what}: HTTP ${status}`;
  try {
    const parsed = JSON.parse(text) as { reason?: string; message?: string };
    reason = parsed.reason ?? reason;
    message = parsed.message ?? message;
  } catch {
    if (text) message = `${message}: ${text.slice(0, 200)}`;
  }
  return new ApiError(status, reason, message);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
