// A real psp app on a loopback port (psp is the test double of the third party, so tests run it
// for real). `stop()` closes it like a crashed provider; `start()` brings it back on the same port
// with the same memory, like a provider that recovered.
import { createLogger, type App } from '@shopwatch/platform';
import { buildPspApp, MemoryAuthorizationStore, type PspFaultsFile } from '@shopwatch/psp';

export interface PspServer {
  url: string;
  store: MemoryAuthorizationStore;
  /** The running app (undefined while stopped). */
  app(): App | undefined;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startPspServer(options: { maxAmountCents?: number; faults?: { current(): PspFaultsFile } } = {}): Promise<PspServer> {
  const store = new MemoryAuthorizationStore();
  let app: App | undefined;
  let port = 0;
  const start = async () => {
    if (app) return;
    const next = await buildPspApp({ logger: createLogger({ service: 'psp', level: 'silent' }), store, maxAmountCents: options.maxAmountCents ?? 1_000_000, ...(options.faults ? { faults: options.faults } : {}) });
    await next.listen({ host: '127.0.0.1', port });
    const address = next.server.address();
    if (typeof address !== 'object' || !address) throw new Error('psp has no address');
    port = address.port;
    app = next;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    app: () => app,
    async stop() {
      const running = app;
      app = undefined;
      await running?.close();
    },
    start,
  };
}
