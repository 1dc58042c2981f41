// Process lifecycle: listen, and on SIGTERM/SIGINT shut down in the order that loses nothing —
// readiness goes false (traffic stops arriving), in-flight requests finish, then the plugins'
// onClose hooks stop consumers (committing offsets), flush producers and close pools. A deadline
// bounds it all: a shutdown that hangs is worse than one that exits non-zero and says why.
import type { App } from './create-app.ts';
import { ConfigError } from '../config/load-config.ts';

export interface RunOptions {
  host: string;
  port: number;
  shutdownTimeoutMs: number;
  /** Wait this long after readiness goes false before closing, so endpoints update (cluster: ~5 s). */
  drainDelayMs?: number;
}

export async function runService(app: App, options: RunOptions): Promise<void> {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    app.readiness.markShuttingDown();
    const deadline = setTimeout(() => {
      app.log.error({ timeoutMs: options.shutdownTimeoutMs }, 'shutdown deadline exceeded, exiting');
      process.exit(1);
    }, options.shutdownTimeoutMs);
    deadline.unref();
    void (async () => {
      try {
        if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
        await app.close();
        app.log.info('shutdown complete');
        process.exit(0);
      } catch (error) {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      }
    })();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.listen({ host: options.host, port: options.port });
}

/**
 * Runs a service's start function; a configuration error becomes one line on stderr and exit 1,
 * anything else is logged with its stack and exit 1.
 */
export function startOrExit(start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  });
}
