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

/** The value of the first sample of `name` whose labels include all of `labels` (undefined if none). */
export function sample(metricsText: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** Sum of every sample of `name` whose labels include all of `labels`. */
export function total(metricsText: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
