// Analytics' business metrics (documented in the README). Labels stay bounded: stages, sources,
// click types and domain event types are fixed lists, outcomes fixed words, currencies ISO codes.
// Search text is never a label (free text): only counts.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface AnalyticsMetrics {
  funnel: Counter<'stage' | 'source'>;
  ingested: Counter<'type' | 'outcome'>;
  searches: Counter<'outcome'>;
  cancelledOrders: Counter;
  revenue: Counter<'currency'>;
  supportContacts: Counter<'category'>;
  clicksBuffered: Gauge;
}

export function createAnalyticsMetrics(registry: Registry): AnalyticsMetrics {
  const metrics: AnalyticsMetrics = {
    funnel: new Counter({
      name: 'shop_funnel_events_total',
      help: 'Funnel events by stage (product_view, add_to_cart, checkout, purchase) and source (storefront clicks or domain events).',
      labelNames: ['stage', 'source'] as const,
      registers: [registry],
    }),
    ingested: new Counter({
      name: 'shop_analytics_events_ingested_total',
      help: 'Events received, by type (click type, domain event type, or "batch" for whole refused batches) and outcome (accepted, duplicate, ignored, rejected, rate_limited).',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    searches: new Counter({
      name: 'shop_analytics_searches_total',
      help: 'Storefront searches by outcome: results, zero_results, or unknown (the storefront did not say).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    cancelledOrders: new Counter({ name: 'shop_analytics_orders_cancelled_total', help: 'Orders cancelled (from the orders events topic).', registers: [registry] }),
    revenue: new Counter({
      name: 'shop_analytics_revenue_cents_total',
      help: 'Confirmed order value in minor units (cents), by currency.',
      labelNames: ['currency'] as const,
      registers: [registry],
    }),
    supportContacts: new Counter({
      name: 'shop_analytics_support_contacts_total',
      help: 'Support tickets opened (from the support events topic), by ticket category.',
      labelNames: ['category'] as const,
      registers: [registry],
    }),
    clicksBuffered: new Gauge({ name: 'shop_analytics_clicks_buffered', help: 'Accepted click hits waiting to be written to the minute buckets.', registers: [registry] }),
  };
  // Every stage × source series exists from the start, so rate() and ratios work before the first event.
  for (const stage of ['product_view', 'add_to_cart', 'checkout', 'purchase']) {
    for (const source of ['storefront', 'domain']) metrics.funnel.inc({ stage, source }, 0);
  }
  return metrics;
}
