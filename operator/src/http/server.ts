// /metrics, /livez and /readyz on one small node:http server. Probes answer from in-memory
// state only, so a slow API server never makes the kubelet kill a healthy operator.
import http from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthSource {
  /** Process can make progress (event loop turning, not shutting down). */
  live(): boolean;
  /** Ready to do its job: caches synced (leader) or waiting for the lease (standby). */
  ready(): { ok: boolean; detail: string };
}

export function createProbeServer(registry: Registry, health: HealthSource): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/livez') {
      const ok = health.live();
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(ok ? 'ok\n' : 'not live\n');
      return;
    }
    if (path === '/readyz') {
      const { ok, detail } = health.ready();
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(`${detail}\n`);
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error)),
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
}
