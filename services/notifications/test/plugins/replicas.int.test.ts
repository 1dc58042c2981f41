// The dispatcher is safe with replicas: several dispatchers over the same database (as several
// pods would run them) send every notification exactly once.
import { createLogger } from '@shopwatch/platform';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSimulatedChannels } from '../../src/plugins/channels.ts';
import { Dispatcher } from '../../src/plugins/dispatcher.ts';
import { insertNotifications } from '../../src/plugins/notification-store.ts';
import { startNotifications, type NotificationsFixture } from '../support/notifications-fixture.ts';

const COUNT = 90;
let f: NotificationsFixture;
beforeAll(async () => {
  f = await startNotifications();
});
afterAll(() => f?.close());

it('three dispatchers racing send each of 90 notifications once', async () => {
  const rows = Array.from({ length: COUNT }, (_, i) => ({
    eventId: crypto.randomUUID(),
    eventType: 'shop.orders.order.placed',
    channel: (['email', 'sms', 'push'] as const)[i % 3]!,
    template: 'order_placed',
    message: `order ${i}`,
    orderId: `order-${i}`,
    userId: 'u',
    sourceTopic: 'shop.orders.events.v1',
    envelope: {},
    at: new Date(),
  }));
  await insertNotifications(f.pool, rows);
  let sends = 0;
  const counting = createSimulatedChannels({ faults: () => f.faults.notifications });
  const channels = { send: async (...args: Parameters<typeof counting.send>) => { sends += 1; await counting.send(...args); } };
  const logger = createLogger({ service: 'notifications', level: 'silent' });
  // Small batches and a little latency so the dispatchers' claims interleave.
  f.faults.notifications.email.latencyMs = 5;
  const dispatchers = [0, 1, 2].map(() => new Dispatcher({ pool: f.pool, channels, metrics: f.app.notificationsMetrics, logger, retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10 }, batchSize: 7 }));
  try {
    await Promise.all(dispatchers.map((d) => d.round()));
  } finally {
    f.faults.notifications.email.latencyMs = 0;
  }
  const { rows: result } = await f.pool.query<{ status: string; attempts: number; n: string }>('SELECT status, attempts, count(*) AS n FROM notifications GROUP BY status, attempts');
  expect(result.map((r) => [r.status, r.attempts, Number(r.n)])).toEqual([['sent', 1, COUNT]]);
  expect(sends).toBe(COUNT);
  expect(await f.metric('shop_notifications_total', { outcome: 'sent' })).toBe(COUNT);
  expect(await f.metric('shop_notifications_pending')).toBe(0);
});
