// A request body over the limit is read and thrown away before the 413 is sent.
//
// Why: Fastify answers 413 as soon as Content-Length exceeds the limit, with `Connection: close`,
// while the client is still uploading. The socket then closes under the client's writes and, on a
// loaded machine, the client sees EPIPE or ECONNRESET instead of the 413 problem (seen in CI: a
// 2 MiB body through the gateway). Draining first means the client always reads the answer, and the
// keep-alive connection stays usable. The drain is bounded: a body declared larger than
// `maxBytes`, or one that does not finish within `maxMs`, is answered at once and the connection
// closed, so an oversize upload can never hold a socket or memory for long (nothing is buffered).
import type { IncomingMessage } from 'node:http';

export interface DrainLimits {
  /** Largest body that is read to its end before answering (bytes). */
  maxBytes: number;
  /** Longest time spent reading it (ms). */
  maxMs: number;
}

export const DEFAULT_DRAIN_LIMITS: DrainLimits = { maxBytes: 16 * 1024 * 1024, maxMs: 10_000 };

/**
 * Reads the rest of `raw` and discards it. Resolves true when the body was read to its end (the
 * connection can be kept), false when it was given up (the caller must close the connection).
 */
export function drainRequestBody(raw: IncomingMessage, limits: DrainLimits = DEFAULT_DRAIN_LIMITS): Promise<boolean> {
  if (raw.complete || raw.readableEnded) return Promise.resolve(true);
  if (raw.destroyed) return Promise.resolve(false);
  const declared = Number(raw.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return Promise.resolve(false);

  return new Promise((resolve) => {
    let received = 0;
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onError);
      raw.off('close', onClose);
      if (!drained) raw.pause();
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    const onClose = () => finish(raw.complete);
    const timer = setTimeout(() => finish(false), limits.maxMs);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('error', onError);
    raw.once('close', onClose);
    raw.resume();
  });
}
