// Support's facts: a shopper contacted support, a ticket was resolved. Keyed by ticket id. They
// carry no message text (personal data stays in support); analytics counts "contacted support".
import { Type, type Static } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 100 });

export const SupportCategorySchema = Type.Union([
  Type.Literal('order'),
  Type.Literal('payment'),
  Type.Literal('shipping'),
  Type.Literal('returns'),
  Type.Literal('product'),
  Type.Literal('account'),
  Type.Literal('other'),
]);
export type SupportCategory = Static<typeof SupportCategorySchema>;

export const TicketOpenedSchema = Type.Object(
  {
    ticketId: Type.String({ format: 'uuid' }),
    userId: Id,
    category: SupportCategorySchema,
    /** The order the ticket is about, if the shopper named one. */
    orderId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type TicketOpened = Static<typeof TicketOpenedSchema>;

export const TicketResolvedSchema = Type.Object(
  {
    ticketId: Type.String({ format: 'uuid' }),
    userId: Id,
    category: SupportCategorySchema,
    resolvedBy: Type.Union([Type.Literal('agent'), Type.Literal('shopper')]),
    /** Seconds from opening to this resolution. */
    resolutionSeconds: Type.Number({ minimum: 0 }),
    /** Seconds from opening to the first agent reply; absent when no agent replied. */
    firstResponseSeconds: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type TicketResolved = Static<typeof TicketResolvedSchema>;

export const SUPPORT_EVENTS_TOPIC = 'shop.support.events.v1';

export const supportEvents = {
  'shop.support.ticket.opened': { topic: SUPPORT_EVENTS_TOPIC, schema: TicketOpenedSchema },
  'shop.support.ticket.resolved': { topic: SUPPORT_EVENTS_TOPIC, schema: TicketResolvedSchema },
} as const;
