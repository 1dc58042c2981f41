// Notifications' business metrics (documented in the README). Labels are fixed words: channels and
// outcomes, never user, order or event ids.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CHANNELS, type Channel } from '../domain/channels.ts';

export interface NotificationsMetrics {
  notifications: Counter<'channel' | 'outcome'>;
  attempts: Counter<'channel' | 'outcome'>;
  deliverySeconds: Histogram<'channel'>;
  created: Counter<'channel' | 'template'>;
}

export function createNotificationsMetrics(registry: Registry, pendingCounts: () => Promise<Record<Channel, number>>): NotificationsMetrics {
  new Gauge({
    name: 'shop_notifications_pending',
    help: 'Notifications not yet sent nor failed (waiting for an attempt, a retry or their recipient), by channel; counted at scrape.',
    labelNames: ['channel'] as const,
    registers: [registry],
    async collect() {
      const counts = await pendingCounts().catch(() => undefined);
      if (!counts) return;
      for (const channel of CHANNELS) this.set({ channel }, counts[channel]);
    },
  });
  return {
    notifications: new Counter({
      name: 'shop_notifications_total',
      help: 'Notifications that reached a final state, by channel and outcome (sent, failed: no recipient, dead_lettered: retries exhausted).',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    attempts: new Counter({
      name: 'shop_notification_attempts_total',
      help: 'Delivery attempts, by channel and outcome (ok, error).',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    deliverySeconds: new Histogram({
      name: 'shop_notification_delivery_seconds',
      help: 'Seconds from the notification being created (its event consumed) to it being sent, retries included, by channel.',
      labelNames: ['channel'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
    created: new Counter({
      name: 'shop_notifications_created_total',
      help: 'Notifications created from events, by channel and template (order_placed, order_confirmed, order_cancelled, shipment_dispatched, shipment_delivered).',
      labelNames: ['channel', 'template'] as const,
      registers: [registry],
    }),
  };
}
