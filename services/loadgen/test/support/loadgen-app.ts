// A loadgen app in-process (no arrivals until the test starts them), pointed at `gatewayUrl`.
import { createLogger, type App } from '@shopwatch/platform';
import { buildLoadgenApp, type LoadgenDeps } from '../../src/app.ts';
import { parseMix } from '../../src/domain/mix.ts';

export async function buildTestLoadgen(gatewayUrl: string, overrides: Partial<LoadgenDeps> = {}): Promise<App> {
  const mix = parseMix('browse=2,search=1');
  if (!mix.ok) throw new Error(mix.error);
  const app = await buildLoadgenApp({
    logger: createLogger({ service: 'loadgen', level: 'silent' }),
    gatewayUrl,
    settings: { rate: 1, mix: mix.mix, paused: false, maxInFlight: 10 },
    limits: { maxRate: 50, maxInFlight: 1_000 },
    seed: 7,
    shopperPoolSize: 2,
    thinkTimeMs: 0,
    requestTimeoutMs: 2_000,
    orderTimeoutMs: 5_000,
    orderPollMs: 50,
    connections: 4,
    ...overrides,
  });
  await app.ready();
  return app;
}
