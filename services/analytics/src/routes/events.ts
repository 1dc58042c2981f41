// POST /events: the storefront's click batches. Public (shoppers are anonymous), so strictly
// bounded (≤ 100 events, short strings, known types only) and rate-limited per client here as well
// as at the gateway. A batch is all or nothing: one bad event refuses the batch with the field named.
// Accepted batches are buffered and written once a second (the click buffer in app.ts): hence 202.
import rateLimit from '@fastify/rate-limit';
import { problems, type App, problemResponses } from '@shopwatch/platform';
import type { FastifyRequest } from 'fastify';
import { hitsOfClicks, missingFields } from '../domain/funnel.ts';
import { BatchAccepted, ClickBatch } from '../schemas/events.ts';
import type { AnalyticsContext } from './context.ts';

/** The client a request counts against: the gateway's X-Forwarded-For (first hop) or the socket address. */
export function clientKey(request: FastifyRequest, trustForwardedFor: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  if (trustForwardedFor && typeof forwarded === 'string') {
    const first = forwarded.split(',', 1)[0]?.trim();
    if (first && first.length <= 64) return first;
  }
  return request.ip;
}

export async function registerEventRoutes(app: App, ctx: AnalyticsContext): Promise<void> {
  // In-memory store: each replica limits on its own (the gateway's Redis-backed limit is the
  // shop-wide one); global: false so only routes that ask for a limit get one.
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request) => clientKey(request, ctx.rateLimit.trustForwardedFor),
    onExceeded: () => ctx.metrics.ingested.inc({ type: 'batch', outcome: 'rate_limited' }),
  });

  app.post(
    '/events',
    {
      config: { rateLimit: { max: ctx.rateLimit.max, timeWindow: ctx.rateLimit.windowMs } },
      schema: { tags: ['events'], summary: 'Ingest a batch of storefront click events', body: ClickBatch, response: { 202: BatchAccepted, ...problemResponses(400, 413, 415, 429) } },
      // Refused batches are counted once each, whatever refused them (schema, JSON, size).
      onResponse: async (_request, reply) => {
        if (reply.statusCode >= 400 && reply.statusCode < 500 && reply.statusCode !== 429) ctx.metrics.ingested.inc({ type: 'batch', outcome: 'rejected' });
      },
    },
    async (request, reply) => {
      const clicks = request.body.events;
      const missing = missingFields(clicks);
      if (missing.length > 0) {
        throw problems.validation(missing.slice(0, 20).map(({ index, field }) => ({ field: `/body/events/${index}/${field}`, message: `is required for ${clicks[index]?.type ?? 'this type'}` })));
      }
      const hits = hitsOfClicks(clicks, ctx.now());
      ctx.clicks.add(hits);
      for (const click of clicks) ctx.metrics.ingested.inc({ type: click.type, outcome: 'accepted' });
      for (const hit of hits) if (hit.stage !== 'cancelled') ctx.metrics.funnel.inc({ stage: hit.stage, source: 'storefront' });
      for (const click of clicks) {
        if (click.type !== 'search') continue;
        ctx.metrics.searches.inc({ outcome: click.results === undefined ? 'unknown' : click.results === 0 ? 'zero_results' : 'results' });
      }
      return reply.code(202).send({ accepted: clicks.length });
    },
  );
}
