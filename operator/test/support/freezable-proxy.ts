// A TCP proxy on loopback in front of the real API server that can "freeze" its open
// connections: they stay open but carry no more bytes, like a connection whose peer vanished
// without a FIN (a NAT or load balancer dropping state). New connections work normally, so a
// client that notices and reconnects recovers. TLS passes through untouched.
import net from 'node:net';

export class FreezableProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  readonly #held = new Set<net.Socket>();
  #partitioned = false;
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.#server = net.createServer((client) => {
      if (this.#partitioned) {
        // Accepted but never answered, like packets dropped on the way.
        this.#held.add(client);
        client.on('error', () => undefined).on('close', () => this.#held.delete(client));
        return;
      }
      const upstream = net.connect(target.port, target.host);
      const pair = { client, upstream };
      this.#pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      const close = () => {
        this.#pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as net.AddressInfo).port;
  }

  /** Stops forwarding on every open connection without closing any of them. */
  freeze(): number {
    for (const { client, upstream } of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    return this.#pairs.size;
  }

  /** Freezes open connections and leaves new ones unanswered: the client is cut off. */
  partition(): void {
    this.#partitioned = true;
    this.freeze();
  }

  /** New connections are forwarded again (frozen ones stay frozen until the client gives up). */
  heal(): void {
    this.#partitioned = false;
  }

  async close(): Promise<void> {
    for (const socket of this.#held) socket.destroy();
    for (const { client, upstream } of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
