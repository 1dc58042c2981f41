import { ShippingMethodSchema } from '@shopwatch/contracts';
import { Type, type Static } from 'typebox';
import { Cursor, Uuid } from './common.ts';

export const ShipmentStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('dispatched'),
  Type.Literal('in_transit'),
  Type.Literal('delivered'),
  Type.Literal('cancelled'),
]);

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

export const ListQuery = Type.Object(
  {
    orderId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$' })),
    status: Type.Optional(ShipmentStatusSchema),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });

export const TrackingEntryView = Type.Object({ status: ShipmentStatusSchema, detail: Nullable(Type.String()), at: Timestamp });

export const ShipmentView = Type.Object({
  id: Uuid,
  orderId: Type.String(),
  status: ShipmentStatusSchema,
  method: ShippingMethodSchema,
  zone: Type.String(),
  carrier: Type.String(),
  destination: Type.Object({ country: Type.String(), postalCode: Type.String(), city: Type.String() }),
  weightGrams: Type.Integer(),
  itemCount: Type.Integer(),
  costCents: Type.Integer(),
  currency: Type.String(),
  estimatedDeliveryAt: Timestamp,
  dispatchedAt: Nullable(Timestamp),
  deliveredAt: Nullable(Timestamp),
  cancelReason: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  tracking: Type.Optional(Type.Array(TrackingEntryView)),
});
export type ShipmentView = Static<typeof ShipmentView>;

export const ShipmentPage = Type.Object({
  items: Type.Array(ShipmentView),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: Nullable(Type.String()),
});
export type ShipmentPage = Static<typeof ShipmentPage>;
