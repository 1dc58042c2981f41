// A small JSON client for the Kubernetes REST API. Credentials and TLS come from
// @kubernetes/client-node's KubeConfig (kubeconfig file, in-cluster service account, exec
// plugins); requests go through one keep-alive agent so 500 resources do not mean 500 TLS
// handshakes. Responses stay plain JSON — the same shape the watch stream delivers — so live
// objects from lists, gets and watches compare alike.
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

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

export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.statusCode === 409;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Abort the request after this many milliseconds (default 30 s). */
  timeoutMs?: number;
}

const HEADER_REFRESH_MS = 60_000;

export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly server: URL;
  #agent: http.Agent | undefined;
  #headers: Record<string, string> = {};
  #headersAt = 0;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
  }

  /** From an explicit kubeconfig path, else KUBECONFIG / ~/.kube/config / in-cluster. */
  static fromConfig(kubeconfigPath?: string): KubeClient {
    const kc = new KubeConfig();
    if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
    else kc.loadFromDefault();
    return new KubeClient(kc);
  }

  close(): void {
    this.#agent?.destroy();
  }

  // Tokens can rotate (projected service-account tokens, exec plugins), so the auth header is
  // re-derived now and then; TLS material is read once for the shared agent.
  async #prepare(): Promise<{ agent: http.Agent; headers: Record<string, string> }> {
    const now = Date.now();
    if (!this.#agent || now - this.#headersAt > HEADER_REFRESH_MS) {
      const opts: https.RequestOptions = {};
      await this.kubeConfig.applyToHTTPSOptions(opts);
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(opts.headers ?? {})) {
        if (typeof value === 'string') headers[key] = value;
      }
      if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      this.#headers = headers;
      this.#headersAt = now;
      if (!this.#agent) {
        const tls = {
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          servername: opts.servername,
          ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }),
        };
        this.#agent =
          this.server.protocol === 'https:'
            ? new https.Agent({ keepAlive: true, maxSockets: 16, ...tls })
            : new http.Agent({ keepAlive: true, maxSockets: 16 });
      }
    }
    return { agent: this.#agent, headers: this.#headers };
  }

  async request<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    const method = options.method ?? 'GET';
    const url = new URL(this.server.pathname.replace(/\/$/, '') + path, this.server);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const { agent, headers } = await this.#prepare();
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const requestHeaders: Record<string, string> = { ...headers, Accept: 'application/json' };
    if (body !== undefined) {
      requestHeaders['Content-Type'] = options.contentType ?? 'application/json';
      requestHeaders['Content-Length'] = String(Buffer.byteLength(body));
    }
    const transport = url.protocol === 'https:' ? https : http;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = transport.request(
        url,
        { method, agent, headers: requestHeaders, timeout: options.timeoutMs ?? 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
    const parsed: unknown = text.length > 0 && text.startsWith('{') ? JSON.parse(text) : text;
    if (status < 200 || status >= 300) {
      const statusBody = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
        reason?: string;
        message?: string;
      };
      throw new ApiError(status, statusBody.reason ?? 'Unknown', statusBody.message ?? `${method} ${path}: HTTP ${status}`);
    }
    return parsed as T;
  }
}
