// `GET /api/openapi.json`: every upstream's OpenAPI document under its `/api/<service>` prefix,
// fetched in parallel (an upstream that does not answer in time is listed as unavailable rather
// than failing the whole document) and reused for a short while.
import type { App } from '@shopwatch/platform';
import type { FastifySchema } from 'fastify';
import { mergeOpenApi, type UpstreamDocument } from '../domain/openapi-merge.ts';
import type { GatewayContext } from './context.ts';

async function fetchDocument(ctx: GatewayContext, service: string): Promise<unknown> {
  const abort = AbortSignal.timeout(ctx.openApi.fetchTimeoutMs);
  try {
    const response = await ctx.client.request(service, { method: 'GET', path: '/openapi.json', headers: { accept: 'application/json' }, signal: abort });
    if (response.statusCode !== 200) {
      await response.body.dump();
      return undefined;
    }
    return await response.body.json();
  } catch {
    return undefined;
  }
}

// Documentation-only keys that @fastify/swagger (loaded by the kit) reads.
const DOC_SCHEMA = { tags: ['gateway'], summary: 'The whole shop API, aggregated from every service' } as FastifySchema;

export function registerOpenApiRoute(app: App, ctx: GatewayContext, version: string): void {
  let cached: { at: number; document: Record<string, unknown> } | undefined;
  let inFlight: Promise<Record<string, unknown>> | undefined;

  const build = async () => {
    const upstreams = [...ctx.upstreams.values()];
    const documents: UpstreamDocument[] = await Promise.all(
      upstreams.map(async (u) => ({ service: u.name, policy: u.policy, document: await fetchDocument(ctx, u.name) })),
    );
    return mergeOpenApi(documents, version);
  };

  app.get('/api/openapi.json', { schema: DOC_SCHEMA }, async (_request, reply) => {
    const now = ctx.now().getTime();
    if (!cached || now - cached.at > ctx.openApi.cacheMs) {
      // Concurrent requests share one round of upstream fetches.
      inFlight ??= build().finally(() => (inFlight = undefined));
      cached = { at: now, document: await inFlight };
    }
    reply.header('cache-control', `public, max-age=${Math.floor(ctx.openApi.cacheMs / 1000)}`);
    return cached.document;
  });
}
