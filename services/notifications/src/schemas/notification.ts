import { Type, type Static } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });

export const ChannelSchema = Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('push')]);
export const StatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]);

/** User and order ids as the events carry them: printable, no spaces, bounded. */
const Id = Type.String({ pattern: '^[\\x21-\\x7E]{1,100}$' });

export const ListQuery = Type.Object(
  {
    /** Admins: any user (all users when absent). Shoppers: their own only (the default). */
    userId: Type.Optional(Id),
    orderId: Type.Optional(Id),
    channel: Type.Optional(ChannelSchema),
    status: Type.Optional(StatusSchema),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });

export const NotificationView = Type.Object({
  id: Uuid,
  eventId: Uuid,
  eventType: Type.String(),
  template: Type.String(),
  channel: ChannelSchema,
  orderId: Type.String(),
  userId: Nullable(Type.String()),
  status: StatusSchema,
  attempts: Type.Integer(),
  failureReason: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  message: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  sentAt: Nullable(Timestamp),
  nextAttemptAt: Nullable(Timestamp),
});
export type NotificationView = Static<typeof NotificationView>;

export const NotificationPage = Type.Object({ items: Type.Array(NotificationView), nextCursor: Nullable(Type.String()) });
