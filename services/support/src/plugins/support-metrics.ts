// Support's business metrics (documented in the README). Labels stay bounded: `category` is one of
// the fixed ticket categories, `status` and `author` fixed words; never ticket or user ids.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SupportMetrics {
  opened: Counter<'category'>;
  resolved: Counter<'category' | 'by'>;
  reopened: Counter<'category'>;
  replies: Counter<'author'>;
  firstResponse: Histogram<'category'>;
  resolution: Histogram<'category'>;
  satisfaction: Histogram<'category'>;
}

/** Minutes to days: support answers in minutes at best and days at worst. */
const RESPONSE_BUCKETS = [1, 10, 60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 604_800];

export function createSupportMetrics(registry: Registry, unresolved: () => Promise<Record<'open' | 'answered', number>>): SupportMetrics {
  // Counted from the database when Prometheus scrapes (one indexed GROUP BY), so every replica
  // reports the same truth; if the database is down the gauge keeps its last values.
  new Gauge({
    name: 'shop_support_tickets_open',
    help: 'Tickets not yet resolved, by status: open (waiting for an agent) or answered (waiting for the shopper).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await unresolved().catch(() => undefined);
      if (!counts) return;
      this.set({ status: 'open' }, counts.open);
      this.set({ status: 'answered' }, counts.answered);
    },
  });
  return {
    opened: new Counter({ name: 'shop_support_tickets_opened_total', help: 'Tickets opened, by category.', labelNames: ['category'] as const, registers: [registry] }),
    resolved: new Counter({
      name: 'shop_support_tickets_resolved_total',
      help: 'Tickets resolved, by category and by whom (agent or shopper). A reopened ticket resolved again counts again.',
      labelNames: ['category', 'by'] as const,
      registers: [registry],
    }),
    reopened: new Counter({ name: 'shop_support_tickets_reopened_total', help: 'Resolved tickets reopened by a shopper reply, by category.', labelNames: ['category'] as const, registers: [registry] }),
    replies: new Counter({ name: 'shop_support_replies_total', help: 'Replies on tickets, by author (shopper or agent).', labelNames: ['author'] as const, registers: [registry] }),
    firstResponse: new Histogram({
      name: 'shop_support_first_response_seconds',
      help: 'Time from opening a ticket to the first agent reply, by category.',
      labelNames: ['category'] as const,
      buckets: RESPONSE_BUCKETS,
      registers: [registry],
    }),
    resolution: new Histogram({
      name: 'shop_support_resolution_seconds',
      help: 'Time from opening a ticket to its resolution, by category.',
      labelNames: ['category'] as const,
      buckets: RESPONSE_BUCKETS,
      registers: [registry],
    }),
    satisfaction: new Histogram({
      name: 'shop_support_satisfaction',
      help: 'Satisfaction scores (1-5) given to resolved tickets, by category. Average = _sum/_count; CSAT (share of 4 and 5) = 1 - bucket{le="3"}/_count.',
      labelNames: ['category'] as const,
      buckets: [1, 2, 3, 4, 5],
      registers: [registry],
    }),
  };
}
