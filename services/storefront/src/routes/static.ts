// GET/HEAD of everything that is not one of the kit's own routes: files of the Vite build with
// their cache policy, index.html for the app's pages (the browser-side router draws them), and
// problem+json for the rest. @fastify/static does the file serving (ETag, Last-Modified, ranges,
// precompressed .br/.gz siblings chosen by Accept-Encoding); the decision is the pure domain's.
import { relative } from 'node:path';
import fastifyStatic from '@fastify/static';
import { problems, type App } from '@shopwatch/platform';
import type { FastifySchema } from 'fastify';
import { cacheControlFor, decideStatic } from '../domain/static-paths.ts';
import type { ResponseKind, StorefrontMetrics } from '../plugins/storefront-metrics.ts';

const HIDDEN = { hide: true } as FastifySchema;

export async function registerStaticRoutes(app: App, distDir: string, metrics: StorefrontMetrics): Promise<void> {
  await app.register(fastifyStatic, {
    root: distDir,
    // Only reply.sendFile: the route below decides what may be served.
    serve: false,
    preCompressed: true,
    cacheControl: false,
    etag: true,
    lastModified: true,
    dotfiles: 'deny',
    index: false,
    setHeaders: (reply, filePath) => void reply.header('cache-control', cacheControlFor(relative(distDir, filePath))),
  });

  const kinds = new WeakMap<object, ResponseKind>();
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    exposeHeadRoute: false,
    schema: HIDDEN,
    handler: async (request, reply) => {
      const decision = decideStatic(request.url);
      switch (decision.kind) {
        case 'bad':
          kinds.set(request, 'bad_request');
          throw problems.badRequest(decision.reason);
        case 'missing':
          kinds.set(request, 'not_found');
          throw problems.notFound(`The page ${request.url.split('?', 1)[0]}`);
        case 'page':
          kinds.set(request, 'page');
          return reply.sendFile('index.html');
        case 'file':
          kinds.set(request, 'asset');
          return reply.sendFile(decision.path);
      }
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const kind = kinds.get(request);
    if (!kind) return;
    metrics.responses.inc({ kind: kind === 'asset' && reply.statusCode === 404 ? 'not_found' : kind });
  });
}
