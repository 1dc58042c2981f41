// Orders' HTTP schemas. The create body names products and quantities only: there is no price
// field, and unknown fields are refused (400), so a client cannot even try to set a price.
import { Type, type Static } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const MAX_ORDER_ITEMS = 50;

export const OrderItemInput = Type.Object(
  {
    /** A catalog product id. */
    productId: Uuid,
    quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);

export const ShippingMethod = Type.Union([Type.Literal('standard'), Type.Literal('express')]);

export const ShippingInput = Type.Object(
  {
    /** ISO 3166-1 alpha-2, upper case. */
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    postalCode: Type.String({ minLength: 2, maxLength: 12, pattern: '^[A-Za-z0-9 -]+$' }),
    city: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f]+$' }),
    method: ShippingMethod,
  },
  { additionalProperties: false },
);

export const OrderCreate = Type.Object(
  {
    items: Type.Array(OrderItemInput, { minItems: 1, maxItems: MAX_ORDER_ITEMS }),
    shipping: ShippingInput,
    /** The shopper's tokenised card; payments' default when absent. */
    cardToken: Type.Optional(Type.String({ pattern: '^tok_[a-z0-9_]{1,60}$' })),
  },
  { additionalProperties: false },
);
export type OrderCreate = Static<typeof OrderCreate>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$' })),
});

export const OrderStatus = Type.Union([Type.Literal('pending'), Type.Literal('cancelling'), Type.Literal('confirmed'), Type.Literal('cancelled')]);
export type OrderStatus = Static<typeof OrderStatus>;

export const OrderLine = Type.Object({
  productId: Type.String(),
  quantity: Type.Integer(),
  unitPriceCents: Type.Integer(),
  lineTotalCents: Type.Integer(),
});

export const Order = Type.Object({
  id: Uuid,
  userId: Type.String(),
  /** `pending` while the saga goes forward, `cancelling` while it compensates, then `confirmed` or `cancelled`. */
  status: OrderStatus,
  lines: Type.Array(OrderLine),
  totalCents: Type.Integer(),
  currency: Type.String(),
  shipping: Type.Object({ country: Type.String(), postalCode: Type.String(), city: Type.String(), method: ShippingMethod }),
  /** The saga step in progress (null once terminal). */
  step: Type.Union([Type.String(), Type.Null()]),
  /** Why it was cancelled (machine-readable), and which step failed. */
  reason: Type.Union([Type.String(), Type.Null()]),
  failedStep: Type.Union([Type.String(), Type.Null()]),
  paymentId: Type.Union([Type.String(), Type.Null()]),
  shipmentId: Type.Union([Type.String(), Type.Null()]),
  refundRequired: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Order = Static<typeof Order>;

export const OrderListQuery = Type.Object(
  {
    status: Type.Optional(OrderStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    /** The `nextCursor` of the previous page. */
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,512}$' })),
    /** Admins only: another user's history. */
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:@-]+$' })),
  },
  { additionalProperties: false },
);
export type OrderListQuery = Static<typeof OrderListQuery>;

export const OrderPage = Type.Object({
  items: Type.Array(Order),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const OrderLogEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  kind: Type.String(),
  step: Type.Union([Type.String(), Type.Null()]),
  commandId: Type.Union([Type.String(), Type.Null()]),
  eventId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export const OrderLog = Type.Object({ orderId: Uuid, items: Type.Array(OrderLogEntry) });
export type OrderLogEntry = Static<typeof OrderLogEntry>;

