// Dispatcher edge cases against real PostgreSQL: a notification whose recipient never becomes known
// fails with `no_recipient` (no dead letter: nothing was attempted), and a shutdown in the middle of
// an attempt gives the notification back untried for the next dispatcher.
import { createLogger } from '@shopwatch/platform';
import { waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSimulatedChannels } from '../../src/plugins/channels.ts';
import { Dispatcher } from '../../src/plugins/dispatcher.ts';
import { insertNotifications } from '../../src/plugins/notification-store.ts';
import { startNotifications, type NotificationsFixture } from '../support/notifications-fixture.ts';

let f: NotificationsFixture;
beforeAll(async () => {
  f = await startNotifications();
});
afterAll(() => f?.close());

const logger = createLogger({ service: 'notifications', level: 'silent' });
const row = (orderId: string, userId: string | null, at: Date) => ({
  eventId: crypto.randomUUID(),
  eventType: 'shop.shipping.shipment.dispatched',
  channel: 'email' as const,
  template: 'shipment_dispatched',
  message: 'on its way',
  orderId,
  userId,
  sourceTopic: 'shop.shipping.events.v1',
  envelope: {},
  at,
});
const state = async (orderId: string) =>
  (await f.pool.query<{ status: string; attempts: number; failure_reason: string | null; dead_letter_pending: boolean; due: boolean }>(
    'SELECT status, attempts, failure_reason, dead_letter_pending, next_attempt_at <= now() AS due FROM notifications WHERE order_id = $1',
    [orderId],
  )).rows[0];

it('fails a notification whose recipient stayed unknown past the wait, without a dead letter', async () => {
  await insertNotifications(f.pool, [row('order-orphan', null, new Date(Date.now() - 120_000)), row('order-young', null, new Date())]);
  const dispatcher = new Dispatcher({ pool: f.pool, channels: createSimulatedChannels(), metrics: f.app.notificationsMetrics, logger, retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10 }, recipientWaitMs: 60_000 });
  await dispatcher.round();
  expect(await state('order-orphan')).toMatchObject({ status: 'failed', attempts: 0, failure_reason: 'no_recipient', dead_letter_pending: false });
  expect(await state('order-young')).toMatchObject({ status: 'pending', attempts: 0 });
  expect(await f.metric('shop_notifications_total', { channel: 'email', outcome: 'failed' })).toBe(1);
});

it('a shutdown during an attempt gives the notification back untried and due', async () => {
  await insertNotifications(f.pool, [row('order-interrupted', 'u-1', new Date())]);
  f.faults.notifications.email.latencyMs = 30_000;
  try {
    const dispatcher = new Dispatcher({
      pool: f.pool,
      channels: createSimulatedChannels({ faults: () => f.faults.notifications }),
      metrics: f.app.notificationsMetrics,
      logger,
      retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10 },
    });
    void dispatcher.round();
    await waitFor('claimed', async () => (await state('order-interrupted'))?.attempts === 1, { timeoutMs: 30_000 });
    await dispatcher.stop();
  } finally {
    f.faults.notifications.email.latencyMs = 0;
  }
  expect(await state('order-interrupted')).toMatchObject({ status: 'pending', attempts: 0, due: true });
  expect(await f.metric('shop_notification_attempts_total', { channel: 'email' })).toBe(0);
});
