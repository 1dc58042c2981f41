// Notifications' Kafka handler: order and shipment facts become one notification per channel of
// the channel table, stored in the inbox's transaction (a redelivered event makes none; the
// (event, channel) key guards too). Delivery is the dispatcher's job, so a slow or failing channel
// never holds the consumer.
import type { ShopEvent } from '@shopwatch/contracts';
import { handleOnce, PermanentError, type EventHandler, type InboxMetrics, type Pool } from '@shopwatch/platform';
import { channelsFor, isNotifying, renderMessage, templateFor } from '../domain/channels.ts';
import type { NotificationsMetrics } from './notifications-metrics.ts';
import { insertNotifications, lockOrder, recipientOf, rememberRecipient, type NewNotification } from './notification-store.ts';

export interface EventHandlerOptions {
  pool: Pool;
  consumerGroup: string;
  metrics: NotificationsMetrics;
  now: () => Date;
  inboxMetrics?: InboxMetrics;
  /** Called after new notifications were committed (wakes the dispatcher). */
  onStored?: () => void;
}

const OUR_DOMAINS = ['shop.orders.', 'shop.shipping.'];

export function createEventHandler(options: EventHandlerOptions): EventHandler {
  const { pool, consumerGroup, metrics, now } = options;

  return async (event: ShopEvent, message) => {
    if (!OUR_DOMAINS.some((prefix) => event.type.startsWith(prefix))) {
      throw new PermanentError(`notifications does not handle ${event.type}`);
    }
    const data = event.data as Record<string, unknown>;
    const orderId = String(data['orderId']);
    const orderUser = event.type.startsWith('shop.orders.') && typeof data['userId'] === 'string' ? data['userId'] : undefined;
    // Shipping's saga replies (created, cancelled, ...) and in-transit notify nobody, and change nothing here.
    if (!isNotifying(event.type) && orderUser === undefined) return;

    const outcome = await handleOnce(
      pool,
      consumerGroup,
      event,
      async (client) => {
        await lockOrder(client, orderId);
        const at = now();
        if (orderUser !== undefined) await rememberRecipient(client, orderId, orderUser, at);
        if (!isNotifying(event.type)) return [];
        const type = event.type;
        const userId = orderUser ?? (await recipientOf(client, orderId)) ?? null;
        const rows: NewNotification[] = channelsFor(type).map((channel) => ({
          eventId: event.id,
          eventType: type,
          channel,
          template: templateFor(type),
          message: renderMessage(type, data, channel),
          orderId,
          userId,
          sourceTopic: message.topic,
          envelope: event,
          at,
        }));
        await insertNotifications(client, rows);
        return rows;
      },
      options.inboxMetrics,
    );
    if (outcome.status === 'handled' && outcome.result.length > 0) {
      for (const row of outcome.result) metrics.created.inc({ channel: row.channel, template: row.template });
      options.onStored?.();
    }
  };
}
