// Orders' facts: what happened to an order, for everyone downstream (notifications, analytics,
// shipping's dispatch). The checkout saga's commands and replies live with each participant
// (inventory.ts, payments.ts, shipping.ts); these are the order's own milestones, keyed by order id.
import { Type, type Static } from 'typebox';
import { ReasonSchema, MAX_RESERVATION_ITEMS, MAX_ITEM_QUANTITY } from './inventory.ts';

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
const Cents = Type.Integer({ minimum: 0, maximum: 100_000_000_00 });

export const OrderLineSchema = Type.Object(
  {
    productId: Id,
    quantity: Type.Integer({ minimum: 1, maximum: MAX_ITEM_QUANTITY }),
    /** The catalog's price when the order was placed (never the client's). */
    unitPriceCents: Cents,
  },
  { additionalProperties: false },
);
export type OrderLine = Static<typeof OrderLineSchema>;

export const OrderPlacedSchema = Type.Object(
  {
    orderId: Id,
    userId: Id,
    items: Type.Array(OrderLineSchema, { minItems: 1, maxItems: MAX_RESERVATION_ITEMS }),
    totalCents: Cents,
    currency: Currency,
  },
  { additionalProperties: false },
);
export type OrderPlaced = Static<typeof OrderPlacedSchema>;

export const OrderConfirmedSchema = Type.Object(
  {
    orderId: Id,
    userId: Id,
    totalCents: Cents,
    currency: Currency,
    paymentId: Type.String({ format: 'uuid' }),
    shipmentId: Type.String({ format: 'uuid' }),
    /** Seconds from placement to confirmation. */
    checkoutSeconds: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type OrderConfirmed = Static<typeof OrderConfirmedSchema>;

/** The saga step that failed (or timed out) and made the order cancel. */
export const SagaStepSchema = Type.Union([
  Type.Literal('reserve_stock'),
  Type.Literal('authorize_payment'),
  Type.Literal('create_shipment'),
  Type.Literal('commit_stock'),
  Type.Literal('capture_payment'),
]);
export type SagaStep = Static<typeof SagaStepSchema>;

export const OrderCancelledSchema = Type.Object(
  {
    orderId: Id,
    userId: Id,
    /** Machine-readable, e.g. `out_of_stock`, `declined`, `psp_unavailable`, `step_timeout`. */
    reason: ReasonSchema,
    failedStep: SagaStepSchema,
    totalCents: Cents,
    currency: Currency,
  },
  { additionalProperties: false },
);
export type OrderCancelled = Static<typeof OrderCancelledSchema>;

export const ORDERS_EVENTS_TOPIC = 'shop.orders.events.v1';

export const ordersEvents = {
  'shop.orders.order.placed': { topic: ORDERS_EVENTS_TOPIC, schema: OrderPlacedSchema },
  'shop.orders.order.confirmed': { topic: ORDERS_EVENTS_TOPIC, schema: OrderConfirmedSchema },
  'shop.orders.order.cancelled': { topic: ORDERS_EVENTS_TOPIC, schema: OrderCancelledSchema },
} as const;
