// Builds the loadgen app: the control API, the runner and the gateway client. server.ts starts
// the runner after listening; tests build the app directly and start it when they want load.
import { createApp, createMetrics, type App, type Logger } from '@shopwatch/platform';
import type { ControlLimits, ControlSettings } from './domain/control.ts';
import { GatewayClient } from './plugins/gateway-client.ts';
import { createLoadgenMetrics } from './plugins/loadgen-metrics.ts';
import { LoadRunner } from './plugins/runner.ts';
import { registerControlRoutes } from './routes/control.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Starts arrivals with start(); the app's close stops it. */
    loadgen: LoadRunner;
  }
}

export interface LoadgenDeps {
  logger: Logger;
  gatewayUrl: string;
  settings: ControlSettings;
  limits: ControlLimits;
  seed: number;
  shopperPoolSize: number;
  thinkTimeMs: number;
  requestTimeoutMs: number;
  orderTimeoutMs: number;
  orderPollMs: number;
  connections: number;
  localAddress?: string;
  now?: () => number;
}

export async function buildLoadgenApp(deps: LoadgenDeps): Promise<App> {
  const serviceMetrics = createMetrics('loadgen');
  const metrics = createLoadgenMetrics(serviceMetrics.registry);
  const app = await createApp({
    service: 'loadgen',
    description: 'Synthetic shoppers for Shopwatch: a steerable, seeded scenario mix through the gateway.',
    logger: deps.logger,
    metrics: serviceMetrics,
    bodyLimit: 4 * 1024,
  });
  const client = new GatewayClient({
    url: deps.gatewayUrl,
    connections: deps.connections,
    requestTimeoutMs: deps.requestTimeoutMs,
    metrics,
    ...(deps.localAddress ? { localAddress: deps.localAddress } : {}),
  });
  const runner = new LoadRunner({
    settings: deps.settings,
    limits: deps.limits,
    seed: deps.seed,
    client,
    metrics,
    logger: deps.logger,
    shopperPoolSize: deps.shopperPoolSize,
    thinkTimeMs: deps.thinkTimeMs,
    orderTimeoutMs: deps.orderTimeoutMs,
    orderPollMs: deps.orderPollMs,
    ...(deps.now ? { now: deps.now } : {}),
  });
  app.decorate('loadgen', runner);
  app.readiness.add('gateway', () => client.ping());
  registerControlRoutes(app, runner);
  app.addHook('onClose', async () => {
    await runner.stop();
    await client.close();
  });
  return app;
}
