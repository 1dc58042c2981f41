// Small upstream answers of known length are read whole and sent in one write; large or
// unknown-length ones stream. An upstream that breaks off inside a small body is a 502 problem
// naming it (the client gets a proper answer instead of a cut connection).
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startShop, type Shop } from '../support/shop-fixture.ts';

let shop: Shop;
let raw: Server;
let rawUrl: string;

beforeAll(async () => {
  shop = await startShop();
  // A stand-in upstream speaking raw HTTP/1.1, so it can misbehave on purpose.
  raw = createServer((socket) => {
    socket.once('data', (chunk) => {
      const path = chunk.toString('latin1').split(' ')[1] ?? '/';
      if (path === '/cut') {
        socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"partial":');
      } else if (path === '/large') {
        const body = JSON.stringify({ data: 'y'.repeat(200_000) });
        socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
      } else {
        socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{"ok":true}');
      }
    });
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  const address = raw.address();
  rawUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await shop?.close();
  await new Promise((resolve) => raw?.close(resolve));
});

describe('upstream response bodies', () => {
  it('small bodies arrive whole, large ones stream through intact', async () => {
    const gw = await shop.gateway({ urls: { CATALOG_URL: rawUrl }, rateLimit: { enabled: false } });
    const small = await gw.inject({ url: '/api/catalog/small' });
    expect(small.statusCode).toBe(200);
    expect(small.json()).toEqual({ ok: true });
    expect(small.headers['content-length']).toBe('11');
    const large = await gw.inject({ url: '/api/catalog/large' });
    expect(large.statusCode).toBe(200);
    expect(large.json<{ data: string }>().data).toHaveLength(200_000);
  });

  it('an upstream that breaks off inside a small body is a 502 naming it', async () => {
    const gw = await shop.gateway({ urls: { CATALOG_URL: rawUrl }, rateLimit: { enabled: false } });
    const res = await gw.inject({ url: '/api/catalog/cut' });
    expect(res.statusCode).toBe(502);
    expect(expectProblem(res, 'any')).toMatchObject({ upstream: 'catalog' });
  });
});
