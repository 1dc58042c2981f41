import { Type, type Static } from 'typebox';

/** Most events one POST may carry; the storefront flushes every few seconds, far below this. */
export const MAX_BATCH_EVENTS = 100;

// Spelled out (not mapped from the domain's list) so TypeScript keeps the literal types; a domain
// test checks both lists agree.
export const ClickType = Type.Union([
  Type.Literal('page_view'),
  Type.Literal('product_view'),
  Type.Literal('search'),
  Type.Literal('add_to_cart'),
  Type.Literal('remove_from_cart'),
  Type.Literal('checkout_started'),
  Type.Literal('purchase_completed'),
  Type.Literal('support_contacted'),
]);

export const ClickEvent = Type.Object(
  {
    type: ClickType,
    /** The storefront's anonymous session id (random, made in the browser). */
    sessionId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
    /** Required for product_view, add_to_cart and remove_from_cart. */
    productId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' })),
    /** Required for search. Counted, never stored nor used as a label. */
    query: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]*$' })),
    /** For search: how many results the shopper saw (0 = a zero-result search). */
    results: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    /** For page_view: the page path. */
    path: Type.Optional(Type.String({ maxLength: 300, pattern: '^/[^\\u0000-\\u001f]*$' })),
    /** When it happened, by the browser's clock (believed up to an hour back; otherwise arrival time). */
    at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type ClickEvent = Static<typeof ClickEvent>;

export const ClickBatch = Type.Object(
  { events: Type.Array(ClickEvent, { minItems: 1, maxItems: MAX_BATCH_EVENTS }) },
  { additionalProperties: false },
);
export type ClickBatch = Static<typeof ClickBatch>;

export const BatchAccepted = Type.Object({ accepted: Type.Integer() });
