// Inventory's saga messages and facts. Orders orchestrates the checkout saga and sends commands;
// inventory answers each command with exactly one reply. All of them are keyed by the order id
// (the envelope `subject`), so one order's commands and replies stay in order on their topics.
import { Type, type Static } from 'typebox';

/** Order and product ids: opaque strings (UUIDs today, not promised). */
const Id = Type.String({ minLength: 1, maxLength: 100 });

/** The `id` of the command a reply answers; replies carry it so the orchestrator can match them. */
const CommandId = Type.String({ format: 'uuid' });

/** A machine-readable reason: lowercase words joined by underscores, e.g. `out_of_stock`. */
export const ReasonSchema = Type.String({ pattern: '^[a-z][a-z0-9]*(_[a-z0-9]+)*$', maxLength: 64 });

export const MAX_RESERVATION_ITEMS = 50;
export const MAX_ITEM_QUANTITY = 1000;

export const StockItemSchema = Type.Object(
  {
    productId: Id,
    quantity: Type.Integer({ minimum: 1, maximum: MAX_ITEM_QUANTITY }),
  },
  { additionalProperties: false },
);
export type StockItem = Static<typeof StockItemSchema>;

const Items = Type.Array(StockItemSchema, { minItems: 1, maxItems: MAX_RESERVATION_ITEMS });
/** Released or committed items; empty when the command found nothing to act on. */
const SettledItems = Type.Array(StockItemSchema, { maxItems: MAX_RESERVATION_ITEMS });

// ---- commands (orders → inventory) ----

export const StockReserveSchema = Type.Object(
  {
    orderId: Id,
    items: Items,
    /** A reservation neither committed nor released by then is released by inventory's sweeper. */
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type StockReserve = Static<typeof StockReserveSchema>;

export const StockReleaseSchema = Type.Object(
  {
    orderId: Id,
    /** Why the order gives the stock back, e.g. `payment_declined`. */
    reason: ReasonSchema,
  },
  { additionalProperties: false },
);
export type StockRelease = Static<typeof StockReleaseSchema>;

export const StockCommitSchema = Type.Object({ orderId: Id }, { additionalProperties: false });
export type StockCommit = Static<typeof StockCommitSchema>;

// ---- replies and facts (inventory → anyone) ----

export const StockReservedSchema = Type.Object(
  {
    orderId: Id,
    commandId: CommandId,
    items: Items,
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type StockReserved = Static<typeof StockReservedSchema>;

export const StockShortfallSchema = Type.Object(
  {
    productId: Id,
    requested: Type.Integer({ minimum: 1 }),
    /** Units available when the reservation was tried (0 for an unknown product). */
    available: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type StockShortfall = Static<typeof StockShortfallSchema>;

export const StockReservationFailedSchema = Type.Object(
  {
    orderId: Id,
    commandId: CommandId,
    /**
     * `out_of_stock`, `unknown_product`, `reservation_expired` (the command came after its
     * `expiresAt`, or the sweeper already released this order's reservation) or
     * `reservation_released` (the order's reservation was released by a release command).
     */
    reason: ReasonSchema,
    /** The items that could not be reserved; nothing was reserved (all or nothing). */
    shortfall: Type.Array(StockShortfallSchema, { maxItems: MAX_RESERVATION_ITEMS }),
  },
  { additionalProperties: false },
);
export type StockReservationFailed = Static<typeof StockReservationFailedSchema>;

export const StockReleasedSchema = Type.Object(
  {
    orderId: Id,
    /** The release command answered; absent when the expiry sweeper released the reservation. */
    commandId: Type.Optional(CommandId),
    /** The command's reason, or `expired` for a release by the sweeper. */
    reason: ReasonSchema,
    /**
     * `released`: this release gave the units back; `already_released`: an earlier release (or the
     * sweeper) did; `not_reserved`: there was no reservation for the order (nothing to give back);
     * `already_committed`: the stock already left with the order and is not given back.
     */
    outcome: Type.Union([
      Type.Literal('released'),
      Type.Literal('already_released'),
      Type.Literal('not_reserved'),
      Type.Literal('already_committed'),
    ]),
    /** The reservation's items (empty for `not_reserved`). */
    items: SettledItems,
  },
  { additionalProperties: false },
);
export type StockReleased = Static<typeof StockReleasedSchema>;

export const StockCommittedSchema = Type.Object(
  {
    orderId: Id,
    commandId: CommandId,
    /** The units that left the warehouse's on-hand count for this order. */
    items: Items,
  },
  { additionalProperties: false },
);
export type StockCommitted = Static<typeof StockCommittedSchema>;

export const StockCommitFailedSchema = Type.Object(
  {
    orderId: Id,
    commandId: CommandId,
    /** `reservation_not_found`, `reservation_released` or `reservation_expired`. */
    reason: ReasonSchema,
  },
  { additionalProperties: false },
);
export type StockCommitFailed = Static<typeof StockCommitFailedSchema>;

export const StockLowSchema = Type.Object(
  {
    productId: Id,
    available: Type.Integer({ minimum: 0 }),
    threshold: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type StockLow = Static<typeof StockLowSchema>;

export const INVENTORY_COMMANDS_TOPIC = 'shop.inventory.commands.v1';
export const INVENTORY_EVENTS_TOPIC = 'shop.inventory.events.v1';

/**
 * Commands go to their own topic so inventory consumes only what it must act on; replies and
 * facts share the events topic. `shop.inventory.stock.low` is keyed by product id (it is about a
 * product, not an order); everything else is keyed by order id.
 */
export const inventoryEvents = {
  'shop.inventory.stock.reserve': { topic: INVENTORY_COMMANDS_TOPIC, schema: StockReserveSchema },
  'shop.inventory.stock.release': { topic: INVENTORY_COMMANDS_TOPIC, schema: StockReleaseSchema },
  'shop.inventory.stock.commit': { topic: INVENTORY_COMMANDS_TOPIC, schema: StockCommitSchema },
  'shop.inventory.stock.reserved': { topic: INVENTORY_EVENTS_TOPIC, schema: StockReservedSchema },
  'shop.inventory.stock.reservation-failed': { topic: INVENTORY_EVENTS_TOPIC, schema: StockReservationFailedSchema },
  'shop.inventory.stock.released': { topic: INVENTORY_EVENTS_TOPIC, schema: StockReleasedSchema },
  'shop.inventory.stock.committed': { topic: INVENTORY_EVENTS_TOPIC, schema: StockCommittedSchema },
  'shop.inventory.stock.commit-failed': { topic: INVENTORY_EVENTS_TOPIC, schema: StockCommitFailedSchema },
  'shop.inventory.stock.low': { topic: INVENTORY_EVENTS_TOPIC, schema: StockLowSchema },
} as const;
