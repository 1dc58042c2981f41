// Shipping's saga messages and delivery facts. Orders sends `create` (a saga step) and `cancel`
// (its compensation); shipping answers each with one reply naming the command. A shipment only
// starts moving (dispatched → in transit → delivered) once orders publishes
// `shop.orders.order.confirmed`, so a cancelled checkout never leaves the warehouse.
// Everything is keyed by the order id (the envelope subject).
import { Type, type Static } from 'typebox';
import { ReasonSchema, StockItemSchema, MAX_RESERVATION_ITEMS } from './inventory.ts';

const OrderId = Type.String({ minLength: 1, maxLength: 100 });
const ShipmentId = Type.String({ format: 'uuid' });
const CommandId = Type.String({ format: 'uuid' });

/** Where a parcel goes: enough to quote and route it, never the shopper's name or street. */
export const DestinationSchema = Type.Object(
  {
    /** ISO 3166-1 alpha-2. */
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    postalCode: Type.String({ minLength: 2, maxLength: 12, pattern: '^[A-Za-z0-9 -]+$' }),
    city: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
export type Destination = Static<typeof DestinationSchema>;

/** `standard` or `express`; quotes and delivery times depend on it. */
export const ShippingMethodSchema = Type.Union([Type.Literal('standard'), Type.Literal('express')]);
export type ShippingMethod = Static<typeof ShippingMethodSchema>;

/** Grams, whole; 70 kg is the most one parcel may weigh. */
export const WeightGramsSchema = Type.Integer({ minimum: 1, maximum: 70_000 });

// ---- commands (orders → shipping) ----

export const CreateShipmentSchema = Type.Object(
  {
    orderId: OrderId,
    items: Type.Array(StockItemSchema, { minItems: 1, maxItems: MAX_RESERVATION_ITEMS }),
    destination: DestinationSchema,
    method: ShippingMethodSchema,
    weightGrams: WeightGramsSchema,
  },
  { additionalProperties: false },
);
export type CreateShipment = Static<typeof CreateShipmentSchema>;

export const CancelShipmentSchema = Type.Object(
  { orderId: OrderId, reason: ReasonSchema },
  { additionalProperties: false },
);
export type CancelShipment = Static<typeof CancelShipmentSchema>;

// ---- replies (shipping → orders) ----

export const ShipmentCreatedSchema = Type.Object(
  {
    orderId: OrderId,
    commandId: CommandId,
    shipmentId: ShipmentId,
    carrier: Type.String({ minLength: 1, maxLength: 64 }),
    method: ShippingMethodSchema,
    costCents: Type.Integer({ minimum: 0, maximum: 100_000_00 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    estimatedDeliveryAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type ShipmentCreated = Static<typeof ShipmentCreatedSchema>;

export const ShipmentCreationFailedSchema = Type.Object(
  {
    orderId: OrderId,
    commandId: CommandId,
    /** `unsupported_destination`, `overweight`, `carrier_unavailable`, `shipment_cancelled`. */
    reason: ReasonSchema,
    detail: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ShipmentCreationFailed = Static<typeof ShipmentCreationFailedSchema>;

export const ShipmentCancelledSchema = Type.Object(
  {
    orderId: OrderId,
    commandId: CommandId,
    /** Absent when there was no shipment for the order. */
    shipmentId: Type.Optional(ShipmentId),
    /**
     * `cancelled`: this command cancelled it; `already_cancelled`; `not_found` (nothing to cancel,
     * and a later create for the order is refused); `already_dispatched` (too late: it moves on).
     */
    outcome: Type.Union([
      Type.Literal('cancelled'),
      Type.Literal('already_cancelled'),
      Type.Literal('not_found'),
      Type.Literal('already_dispatched'),
    ]),
  },
  { additionalProperties: false },
);
export type ShipmentCancelled = Static<typeof ShipmentCancelledSchema>;

// ---- delivery progress facts (shipping → anyone) ----

const ProgressSchema = Type.Object(
  {
    orderId: OrderId,
    shipmentId: ShipmentId,
    carrier: Type.String({ minLength: 1, maxLength: 64 }),
    method: ShippingMethodSchema,
    destinationCountry: Type.String({ pattern: '^[A-Z]{2}$' }),
  },
  { additionalProperties: false },
);

export const ShipmentDispatchedSchema = ProgressSchema;
export type ShipmentDispatched = Static<typeof ShipmentDispatchedSchema>;
export const ShipmentInTransitSchema = ProgressSchema;
export type ShipmentInTransit = Static<typeof ShipmentInTransitSchema>;
export const ShipmentDeliveredSchema = Type.Object(
  {
    ...ProgressSchema.properties,
    /** Seconds from dispatch to delivery. */
    deliverySeconds: Type.Number({ minimum: 0 }),
    /** Whether it arrived by `estimatedDeliveryAt`. */
    onTime: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ShipmentDelivered = Static<typeof ShipmentDeliveredSchema>;

export const SHIPPING_COMMANDS_TOPIC = 'shop.shipping.commands.v1';
export const SHIPPING_EVENTS_TOPIC = 'shop.shipping.events.v1';

export const shippingEvents = {
  'shop.shipping.shipment.create': { topic: SHIPPING_COMMANDS_TOPIC, schema: CreateShipmentSchema },
  'shop.shipping.shipment.cancel': { topic: SHIPPING_COMMANDS_TOPIC, schema: CancelShipmentSchema },
  'shop.shipping.shipment.created': { topic: SHIPPING_EVENTS_TOPIC, schema: ShipmentCreatedSchema },
  'shop.shipping.shipment.creation-failed': { topic: SHIPPING_EVENTS_TOPIC, schema: ShipmentCreationFailedSchema },
  'shop.shipping.shipment.cancelled': { topic: SHIPPING_EVENTS_TOPIC, schema: ShipmentCancelledSchema },
  'shop.shipping.shipment.dispatched': { topic: SHIPPING_EVENTS_TOPIC, schema: ShipmentDispatchedSchema },
  'shop.shipping.shipment.in-transit': { topic: SHIPPING_EVENTS_TOPIC, schema: ShipmentInTransitSchema },
  'shop.shipping.shipment.delivered': { topic: SHIPPING_EVENTS_TOPIC, schema: ShipmentDeliveredSchema },
} as const;
