import { fileURLToPath } from 'node:url';
import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

/** The build next to the sources (`services/storefront/dist`), in the image as in a checkout. */
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../dist', import.meta.url));

export const StorefrontConfigSchema = withBaseConfig({
  /** The Vite build to serve (index.html and assets/). */
  DIST_DIR: Type.String({ minLength: 1, default: DEFAULT_DIST_DIR }),
});
export type StorefrontConfig = Static<typeof StorefrontConfigSchema>;

export function loadStorefrontConfig(env: NodeJS.ProcessEnv = process.env): StorefrontConfig {
  return loadConfig(StorefrontConfigSchema, env);
}
