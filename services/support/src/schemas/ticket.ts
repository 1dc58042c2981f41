import { Type, type Static } from 'typebox';
import { Uuid } from './common.ts';

/** Free text a person typed: at least one visible character, bounded, no NUL (PostgreSQL text cannot hold it). */
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$' });

// Spelled out (not mapped from the domain's lists) so TypeScript keeps the literal types; a
// domain test checks both lists agree.
export const TicketCategory = Type.Union([
  Type.Literal('order'),
  Type.Literal('payment'),
  Type.Literal('shipping'),
  Type.Literal('returns'),
  Type.Literal('product'),
  Type.Literal('account'),
  Type.Literal('other'),
]);
export const TicketStatus = Type.Union([Type.Literal('open'), Type.Literal('answered'), Type.Literal('resolved')]);

export const TicketCreate = Type.Object(
  {
    subject: Text(200),
    message: Text(5000),
    category: TicketCategory,
    /** The order the question is about, if any (opaque id, as the orders service returns it). */
    orderId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' })),
  },
  { additionalProperties: false },
);
export type TicketCreate = Static<typeof TicketCreate>;

export const ReplyCreate = Type.Object({ message: Text(5000) }, { additionalProperties: false });
export type ReplyCreate = Static<typeof ReplyCreate>;

export const RatingCreate = Type.Object(
  {
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 2000, pattern: '^[^\\u0000]*$' })),
  },
  { additionalProperties: false },
);
export type RatingCreate = Static<typeof RatingCreate>;

/** For actions without input: no body, `null` or `{}`; anything else is refused. */
export const NoBody = Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false })]);

export const TicketListQuery = Type.Object(
  {
    status: Type.Optional(TicketStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type TicketListQuery = Static<typeof TicketListQuery>;

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

export const Ticket = Type.Object({
  id: Uuid,
  userId: Type.String(),
  subject: Type.String(),
  category: TicketCategory,
  orderId: Type.Union([Type.String(), Type.Null()]),
  status: TicketStatus,
  assigneeId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
  updatedAt: Time,
  firstResponseAt: NullableTime,
  resolvedAt: NullableTime,
  reopenedCount: Type.Integer(),
  rating: Type.Union([Type.Object({ score: Type.Integer(), comment: Type.Union([Type.String(), Type.Null()]), ratedAt: Time }), Type.Null()]),
});
export type Ticket = Static<typeof Ticket>;

export const Message = Type.Object({
  id: Uuid,
  authorId: Type.String(),
  authorRole: Type.Union([Type.Literal('shopper'), Type.Literal('agent')]),
  body: Type.String(),
  createdAt: Time,
});
export type Message = Static<typeof Message>;

export const TicketWithConversation = Type.Object({ ...Ticket.properties, messages: Type.Array(Message) });
export type TicketWithConversation = Static<typeof TicketWithConversation>;

export const TicketPage = Type.Object({ items: Type.Array(Ticket), total: Type.Integer() });
