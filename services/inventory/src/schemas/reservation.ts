import { MAX_ITEM_QUANTITY, MAX_RESERVATION_ITEMS } from '@shopwatch/contracts';
import { Type, type Static } from 'typebox';
import { Uuid } from './common.ts';

/** Order ids: opaque strings chosen by orders (UUIDs today). */
export const OrderId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' });
export const OrderIdParams = Type.Object({ orderId: OrderId }, { additionalProperties: false });
export type OrderIdParams = Static<typeof OrderIdParams>;

const Item = Type.Object(
  { productId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: MAX_ITEM_QUANTITY }) },
  { additionalProperties: false },
);

export const ReserveRequest = Type.Object(
  {
    orderId: OrderId,
    items: Type.Array(Item, { minItems: 1, maxItems: MAX_RESERVATION_ITEMS }),
    /** Default: now + DEFAULT_RESERVATION_TTL_SECONDS. */
    expiresAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type ReserveRequest = Static<typeof ReserveRequest>;

export const ReleaseRequest = Type.Object(
  { reason: Type.String({ pattern: '^[a-z][a-z0-9]*(_[a-z0-9]+)*$', maxLength: 64 }) },
  { additionalProperties: false },
);
export type ReleaseRequest = Static<typeof ReleaseRequest>;

export const Reservation = Type.Object({
  orderId: Type.String(),
  status: Type.Union([Type.Literal('reserved'), Type.Literal('committed'), Type.Literal('released')]),
  releaseReason: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  settledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  items: Type.Array(Type.Object({ productId: Type.String(), quantity: Type.Integer() })),
});
export type Reservation = Static<typeof Reservation>;

export const ReleaseResult = Type.Object({
  outcome: Type.Union([Type.Literal('released'), Type.Literal('already_released'), Type.Literal('not_reserved'), Type.Literal('already_committed')]),
  reservation: Type.Union([Reservation, Type.Null()]),
});
