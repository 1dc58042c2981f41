// Oversize bodies over real loopback sockets: the 413 problem arrives after the body, the
// connection stays usable, and bounded drains give up (answer + close) instead of waiting.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createLogger, type App } from '../../src/index.ts';
import { drainRequestBody } from '../../src/http/oversize-body.ts';

const MiB = 1024 * 1024;
let app: App;
let port: number;

beforeAll(async () => {
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  app = await createApp({ service: 'oversize-test', logger: createLogger({ service: 'oversize-test', level: 'info', destination: sink }) });
  app.post('/items', { schema: { body: Type.Object({ name: Type.String() }) } }, async (request) => ({ name: request.body.name }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(() => app.close());

/** A raw HTTP/1.1 client on one socket: what arrives, in order, and whether the socket closed. */
function rawClient(): { socket: Socket; received: () => string; closed: () => boolean; ready: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  let isClosed = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('close', () => (isClosed = true));
  socket.on('error', () => (isClosed = true));
  const ready = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => text, closed: () => isClosed, ready };
}

const write = (socket: Socket, data: string | Buffer) => new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
const until = async (what: string, check: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const headers = (length: number, extra = '') =>
  `POST /items HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n${extra}\r\n`;

describe('oversize request bodies', () => {
  it('are answered 413 only after the last byte of the body is sent, and the connection stays usable', async () => {
    const client = rawClient();
    await client.ready;
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const chunks = 8; // 2 MiB against the default 64 KiB limit
    await write(client.socket, headers(chunk.length * chunks));
    for (let i = 0; i < chunks; i++) {
      // Before the fix Fastify answered (and closed) right after the headers.
      expect(client.received(), `answer before chunk ${i + 1} of ${chunks} was sent`).toBe('');
      await write(client.socket, chunk);
      await new Promise((r) => setTimeout(r, 25));
    }
    await until('the 413 answer', () => client.received().includes('\r\n\r\n{'));
    const answer = client.received();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(answer).not.toMatch(/connection: close/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 413, title: 'Content Too Large' });

    const body = JSON.stringify({ name: 'tea' });
    const before = client.received().length;
    await write(client.socket, headers(Buffer.byteLength(body)) + body);
    await until('the second answer on the same connection', () => client.received().slice(before).includes('"tea"'));
    expect(client.received().slice(before)).toMatch(/^HTTP\/1\.1 200 /);
    expect(client.closed()).toBe(false);
    client.socket.destroy();
  });

  it('gives every one of ten 2 MiB uploads its 413 problem (no EPIPE, no reset)', async () => {
    const payload = JSON.stringify({ name: 'x'.repeat(2 * MiB) });
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 413 });
    }
  });

  it('answers at once and closes when the declared body is beyond what it is willing to read', async () => {
    const client = rawClient();
    await client.ready;
    await write(client.socket, headers(64 * MiB));
    await until('the 413 answer', () => client.received().includes('\r\n\r\n{'));
    expect(client.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(client.received()).toMatch(/connection: close/i);
    await until('the server to close the connection', () => client.closed());
  });
});

describe('drainRequestBody', () => {
  let server: Server;
  let serverPort: number;
  const outcomes: boolean[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      void drainRequestBody(req, { maxBytes: 1 * MiB, maxMs: 300 }).then((drained) => {
        outcomes.push(drained);
        res.setHeader('connection', 'close');
        res.end(String(drained));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverPort = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = async (declared: number, sent: number) => {
    const socket = connect(serverPort, '127.0.0.1');
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await write(socket, `POST / HTTP/1.1\r\nhost: x\r\ncontent-length: ${declared}\r\n\r\n`);
    if (sent > 0) await write(socket, Buffer.alloc(sent, 'y'));
    await until('the answer', () => text.includes('\r\n\r\n') && /(true|false)$/.test(text));
    socket.destroy();
    return text.endsWith('true');
  };

  it('reads a body within its bounds to the end', async () => {
    expect(await send(512 * 1024, 512 * 1024)).toBe(true);
  });

  it('gives up on a client that stalls mid-body', async () => {
    expect(await send(512 * 1024, 1024)).toBe(false);
  });

  it('gives up at once on a body declared beyond maxBytes', async () => {
    expect(await send(2 * MiB, 0)).toBe(false);
    expect(outcomes).toEqual([true, false, false]);
  });
});
