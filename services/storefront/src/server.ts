// Storefront process through the platform's startService; storefront's own: the build it serves.
import { startService } from '@shopwatch/platform';
import { loadStorefrontConfig } from './config.ts';

startService({
  name: 'storefront',
  config: () => loadStorefrontConfig(),
  async start({ config, logger }) {
    const { buildStorefrontApp } = await import('./app.ts');
    const app = await buildStorefrontApp({ logger, distDir: config.DIST_DIR });
    return { app, listening: { dist: config.DIST_DIR } };
  },
});
