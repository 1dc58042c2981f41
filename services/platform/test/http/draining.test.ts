// A pod that is draining (app.close() under way) still answers a request that arrives on a
// connection it already has — the last request of a keep-alive client such as the gateway.
// (Under runService the answers then carry `Connection: close`.) Fastify's default (return503OnClosing) would answer
// 503 instead, failing a request the pod could serve, which a rolling upgrade under load showed.
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createApp, createLogger } from '../../src/index.ts';

const quiet = new Writable({ write: (_chunk, _enc, done) => done() });

/** Reads from the socket until `count` HTTP responses (head + Content-Length body) have arrived. */
function readResponses(socket: Socket, count: number): Promise<{ status: number; headers: string; body: string }[]> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const parsed: { status: number; headers: string; body: string }[] = [];
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = buffer.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) break;
        parsed.push({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: buffer.slice(end + 4, end + 4 + length) });
        buffer = buffer.slice(end + 4 + length);
      }
      if (parsed.length >= count) {
        socket.off('data', onData);
        resolve(parsed);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`connection closed after ${parsed.length}/${count} responses: ${buffer}`)));
  });
}

describe('createApp while closing', () => {
  it('serves a request that arrives on a kept-alive connection after close() began', async () => {
    const app = await createApp({ service: 'drain-test', logger: createLogger({ service: 'drain-test', level: 'fatal', destination: quiet }) });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrivedFirst: () => void = () => undefined;
    const firstArrived = new Promise<void>((resolve) => {
      arrivedFirst = resolve;
    });
    // The first request is still in flight when the pod starts draining: its connection is busy,
    // so close() keeps it open (idle ones are closed at once).
    app.get('/slow', async () => {
      arrivedFirst();
      await held;
      return { request: 'slow' };
    });
    app.get('/fast', async () => ({ request: 'fast' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;

    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const responses = readResponses(socket, 2);
    socket.write('GET /slow HTTP/1.1\r\nhost: test\r\n\r\n');
    await firstArrived;
    const closed = app.close();
    // The next request on the same connection (pipelined behind the first), sent after close().
    socket.write('GET /fast HTTP/1.1\r\nhost: test\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const [slow, fast] = await responses;
    socket.destroy();
    await closed;

    expect(slow?.status).toBe(200);
    expect(fast?.status).toBe(200);
    expect(JSON.parse(fast?.body ?? '{}')).toEqual({ request: 'fast' });
  });
});
