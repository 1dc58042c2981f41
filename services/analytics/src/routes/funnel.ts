// GET /funnel?window=1h|24h (admin): the funnel over the last 60 or 1,440 minute buckets (the
// current, partial minute included), from the stored aggregates, so every replica answers the same.
import { requireAuth, type App, problemResponses } from '@shopwatch/platform';
import { conversion, STAGES, stageCount, windowStart, type Stage } from '../domain/funnel.ts';
import { windowTotals } from '../plugins/funnel-store.ts';
import { FunnelQuery, FunnelReport } from '../schemas/funnel.ts';
import type { AnalyticsContext } from './context.ts';

export function registerFunnelRoutes(app: App, ctx: AnalyticsContext): void {
  app.get(
    '/funnel',
    {
      onRequest: requireAuth(ctx.jwt, 'admin'),
      schema: { tags: ['funnel'], summary: 'Funnel counts and conversion over a window', querystring: FunnelQuery, response: { 200: FunnelReport, ...problemResponses(400, 401, 403) } },
    },
    async (request) => {
      const window = request.query.window ?? '1h';
      const now = ctx.now();
      const from = windowStart(window, now);
      const totals = await windowTotals(ctx.pool, from);
      const eventsOf = (stage: string, source: string) => totals.events.find((e) => e.stage === stage && e.source === source)?.events ?? 0;
      const sessionsOf = (stage: string) => totals.sessions.find((s) => s.stage === stage)?.sessions ?? 0;
      const stages = STAGES.map((stage) => {
        const bySource = { storefront: eventsOf(stage, 'storefront'), domain: eventsOf(stage, 'domain') };
        return { stage, count: stageCount(bySource), ...bySource, sessions: sessionsOf(stage) };
      });
      const countsBy = (pick: (s: (typeof stages)[number]) => number) => Object.fromEntries(stages.map((s) => [s.stage, pick(s)])) as Record<Stage, number>;
      return {
        window,
        from: from.toISOString(),
        to: now.toISOString(),
        stages,
        cancelled: eventsOf('cancelled', 'domain'),
        conversion: conversion(countsBy((s) => s.count)),
        sessionConversion: conversion(countsBy((s) => s.sessions)),
      };
    },
  );
}
