// Domain events into the funnel: catalog's product views and orders' milestones (and support's
// opened tickets, counted as "contacted support" beside the funnel). Each event runs
// through the inbox (handleOnce), so a redelivered event is recognised by its id and counted once;
// the bucket update commits in the same transaction as the inbox row. Valid events of other types
// on these topics are not funnel facts and are skipped (counted as ignored). Unparseable or
// invalid messages never reach this handler: the consumer dead-letters them.
import { handleOnce, type EventHandler, type InboxMetrics, type Pool } from '@shopwatch/platform';
import { hitOfDomainEvent, type Stage } from '../domain/funnel.ts';
import type { AnalyticsMetrics } from './analytics-metrics.ts';
import { recordHits } from './funnel-store.ts';

export interface DomainEventHandlerOptions {
  pool: Pool;
  consumerGroup: string;
  metrics: AnalyticsMetrics;
  inboxMetrics?: InboxMetrics;
  now?: () => Date;
}

export function createDomainEventHandler(options: DomainEventHandlerOptions): EventHandler {
  const now = options.now ?? (() => new Date());
  return async (event) => {
    if (event.type === 'shop.support.ticket.opened') {
      // Only a counter moves, but through the inbox all the same, so a redelivery is not counted twice.
      const outcome = await handleOnce(options.pool, options.consumerGroup, event, async () => undefined, options.inboxMetrics);
      options.metrics.ingested.inc({ type: event.type, outcome: outcome.status === 'handled' ? 'accepted' : 'duplicate' });
      if (outcome.status === 'handled') options.metrics.supportContacts.inc({ category: event.data.category });
      return;
    }
    const hit = hitOfDomainEvent(event, now());
    if (!hit) {
      options.metrics.ingested.inc({ type: event.type, outcome: 'ignored' });
      return;
    }
    const outcome = await handleOnce(options.pool, options.consumerGroup, event, (client) => recordHits(client, [hit]), options.inboxMetrics);
    if (outcome.status === 'duplicate') {
      options.metrics.ingested.inc({ type: event.type, outcome: 'duplicate' });
      return;
    }
    options.metrics.ingested.inc({ type: event.type, outcome: 'accepted' });
    if (hit.stage === 'cancelled') options.metrics.cancelledOrders.inc();
    else options.metrics.funnel.inc({ stage: hit.stage satisfies Stage, source: 'domain' });
    if (event.type === 'shop.orders.order.confirmed') options.metrics.revenue.inc({ currency: event.data.currency }, event.data.totalCents);
  };
}
