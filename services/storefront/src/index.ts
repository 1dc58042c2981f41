// Public surface of @shopwatch/storefront: the app factory (tests of other services, e.g. the
// gateway's, serve a real build through it) and the build function.
export { buildStorefrontApp } from './app.ts';
export type { StorefrontDeps } from './app.ts';
export { buildStorefront } from './build.ts';
export type { BuildResult } from './build.ts';
export { decideStatic, cacheControlFor } from './domain/static-paths.ts';
