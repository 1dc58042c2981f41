// When the gateway sends a request again, against real sockets: a refused connection (nothing was
// sent) is retried for any method; a kept-alive socket the upstream closed under the request only
// for requests that are safe to repeat (idempotent method or an Idempotency-Key). Both happen to
// the gateway when an upstream's pods are replaced during a rolling upgrade.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveUpstreams } from '../../src/domain/upstreams.ts';
import { createGatewayMetrics } from '../../src/plugins/gateway-metrics.ts';
import { UpstreamClient } from '../../src/plugins/upstream-client.ts';

const SETTINGS = { timeoutMs: 2_000, connectTimeoutMs: 1_000, connections: 1, bufferBytes: 64 * 1024 };
const servers: Server[] = [];
const clients: UpstreamClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function listen(server: Server, port = 0): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function client(port: number): UpstreamClient {
  const orders = resolveUpstreams({ ORDERS_URL: `http://127.0.0.1:${port}` }).filter((u) => u.name === 'orders');
  const upstream = new UpstreamClient(orders, SETTINGS, createGatewayMetrics(new Registry()));
  clients.push(upstream);
  return upstream;
}

/** An upstream that answers the first request of each connection and drops the connection on the second, unanswered. */
async function closingUpstream(): Promise<{ port: number; received: string[] }> {
  const received: string[] = [];
  const perSocket = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const seen = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, seen);
    received.push(`${req.method ?? ''} ${seen}`);
    if (seen > 1) {
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' }).end('{"ok":true}'));
  });
  server.keepAliveTimeout = 10_000;
  return { port: await listen(server), received };
}

describe('UpstreamClient retries', () => {
  it('retries a POST whose connection was refused: nothing was sent, the upstream sees it once', async () => {
    // A port nothing listens on yet; the upstream starts there while the client is retrying.
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    servers.splice(servers.indexOf(probe), 1);
    let posts = 0;
    const upstream = createServer((req, res) => {
      posts++;
      req.resume();
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{}'));
    });
    const pending = client(port).request('orders', { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await listen(upstream, port);
    const response = await pending;
    await response.body.dump();
    expect(response.statusCode).toBe(201);
    expect(posts).toBe(1);
  });

  it('a refused connection that stays refused is a 503 problem after the retries', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    servers.splice(servers.indexOf(probe), 1);
    await expect(client(port).request('orders', { method: 'POST', path: '/orders', headers: {} })).rejects.toMatchObject({ status: 503 });
  });

  it('sends a POST with an Idempotency-Key again on a new connection when the kept-alive one was closed under it', async () => {
    const { port, received } = await closingUpstream();
    const upstream = client(port);
    await (await upstream.request('orders', { method: 'GET', path: '/orders', headers: {} })).body.dump();
    const response = await upstream.request('orders', { method: 'POST', path: '/orders', headers: { 'idempotency-key': 'order-1' }, body: Buffer.from('{}') });
    await response.body.dump();
    expect(response.statusCode).toBe(200);
    // The lost attempt on the old socket, then the answered one on a new socket.
    expect(received).toEqual(['GET 1', 'POST 2', 'POST 1']);
  });

  it('does not repeat a POST without an Idempotency-Key whose kept-alive connection was closed under it', async () => {
    const { port, received } = await closingUpstream();
    const upstream = client(port);
    await (await upstream.request('orders', { method: 'GET', path: '/orders', headers: {} })).body.dump();
    // The socket broke mid-request: 502, and the upstream saw the POST once.
    await expect(upstream.request('orders', { method: 'POST', path: '/orders', headers: {}, body: Buffer.from('{}') })).rejects.toMatchObject({ status: 502 });
    expect(received).toEqual(['GET 1', 'POST 2']);
  });
});
