// Which events notify the shopper, on which channels, and with what message: a pure table.
// Recipients are user ids (the order's `userId`); events carry no addresses, and the simulated
// channels need none.
export type Channel = 'email' | 'sms' | 'push';
export const CHANNELS: readonly Channel[] = ['email', 'sms', 'push'];

export type NotifyingEvent =
  | 'shop.orders.order.placed'
  | 'shop.orders.order.confirmed'
  | 'shop.orders.order.cancelled'
  | 'shop.shipping.shipment.dispatched'
  | 'shop.shipping.shipment.delivered';

/**
 * The channel table. E-mail for every milestone (the record the shopper keeps); push for what
 * changes the shopper's plans (confirmed, cancelled, on its way, arrived); SMS only for what needs
 * attention now (a cancelled order, a parcel at the door).
 */
export const CHANNELS_BY_EVENT: Readonly<Record<NotifyingEvent, readonly Channel[]>> = {
  'shop.orders.order.placed': ['email'],
  'shop.orders.order.confirmed': ['email', 'push'],
  'shop.orders.order.cancelled': ['email', 'sms', 'push'],
  'shop.shipping.shipment.dispatched': ['email', 'push'],
  'shop.shipping.shipment.delivered': ['email', 'sms', 'push'],
};

export function isNotifying(type: string): type is NotifyingEvent {
  return Object.hasOwn(CHANNELS_BY_EVENT, type);
}

export function channelsFor(type: string): readonly Channel[] {
  return isNotifying(type) ? CHANNELS_BY_EVENT[type] : [];
}

/** The template (a short stable name, fit for a column and a log line) an event type uses. */
export function templateFor(type: NotifyingEvent): string {
  return type.slice(type.lastIndexOf('.', type.lastIndexOf('.') - 1) + 1).replace('.', '_').replaceAll('-', '_');
}

const euros = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;
const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);

/** The message text for an event on a channel (SMS and push are short). */
export function renderMessage(type: NotifyingEvent, data: Record<string, unknown>, channel: Channel): string {
  const order = text(data['orderId'], '');
  const total = typeof data['totalCents'] === 'number' && typeof data['currency'] === 'string' ? euros(data['totalCents'], data['currency']) : undefined;
  const short = channel !== 'email';
  switch (type) {
    case 'shop.orders.order.placed':
      return `We received your order ${order}${total ? ` (${total})` : ''}. We will confirm it shortly.`;
    case 'shop.orders.order.confirmed':
      return short ? `Order ${order} confirmed.` : `Your order ${order}${total ? ` (${total})` : ''} is confirmed and paid. We are packing it now.`;
    case 'shop.orders.order.cancelled':
      return short ? `Order ${order} was cancelled.` : `Your order ${order} was cancelled (${text(data['reason'], 'unknown reason')}). You have not been charged.`;
    case 'shop.shipping.shipment.dispatched':
      return short ? `Order ${order} is on its way.` : `Your order ${order} has been handed to ${text(data['carrier'], 'the carrier')} (${text(data['method'], 'standard')}).`;
    case 'shop.shipping.shipment.delivered':
      return short ? `Order ${order} was delivered.` : `Your order ${order} was delivered. Enjoy!`;
  }
}
