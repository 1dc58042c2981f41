// Builds the storefront app: the kit's app (health, metrics, problem+json) serving the Vite build.
// No process concerns here: server.ts does those; tests call buildStorefrontApp on a real build.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { createApp, createMetrics, type App, type Logger } from '@shopwatch/platform';
import { createStorefrontMetrics } from './plugins/storefront-metrics.ts';
import { registerStaticRoutes } from './routes/static.ts';

export interface StorefrontDeps {
  logger: Logger;
  /** The Vite build: index.html and assets/. */
  distDir: string;
}

export async function buildStorefrontApp(deps: StorefrontDeps): Promise<App> {
  const serviceMetrics = createMetrics('storefront');
  const metrics = createStorefrontMetrics(serviceMetrics.registry);
  const app = await createApp({
    service: 'storefront',
    description: 'The Shopwatch web shop: the React app built with Vite, served as static files.',
    logger: deps.logger,
    metrics: serviceMetrics,
    // Only GET/HEAD are served; no route reads a body.
    bodyLimit: 1_024,
  });
  // Without a build there is nothing to serve: not ready (and the reason is named).
  app.readiness.add('dist', () => access(join(deps.distDir, 'index.html')));
  await registerStaticRoutes(app, deps.distDir, metrics);
  return app;
}
