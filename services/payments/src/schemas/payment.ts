import { Type, type Static } from 'typebox';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36 });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

export const IdempotencyKey = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$' });
export const AuthorizeHeaders = Type.Object({ 'idempotency-key': IdempotencyKey });

export const AuthorizeRequest = Type.Object(
  {
    /** Minor units (cents), a positive integer. */
    amountCents: Type.Integer({ minimum: 1, maximum: 100_000_000_00 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    /** Tokenised card (psp test tokens choose outcomes); the configured default when absent. */
    cardToken: Type.Optional(Type.String({ pattern: '^tok_[a-z0-9_]{1,60}$' })),
    orderId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$' })),
  },
  { additionalProperties: false },
);
export type AuthorizeRequest = Static<typeof AuthorizeRequest>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const PaymentStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('authorized'),
  Type.Literal('declined'),
  Type.Literal('failed'),
  Type.Literal('captured'),
  Type.Literal('voided'),
  Type.Literal('refunded'),
]);

export const StatusChange = Type.Object({
  status: Type.String(),
  reason: Nullable(Type.String()),
  at: Type.String({ format: 'date-time' }),
});

export const Payment = Type.Object({
  id: Uuid,
  status: PaymentStatusSchema,
  amountCents: Type.Integer(),
  currency: Type.String(),
  orderId: Nullable(Type.String()),
  failureReason: Nullable(Type.String()),
  declineCode: Nullable(Type.String()),
  pspAuthorizationId: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  history: Type.Optional(Type.Array(StatusChange)),
});
export type Payment = Static<typeof Payment>;
