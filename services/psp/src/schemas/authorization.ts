import { Type, type Static } from 'typebox';

export const AuthorizationId = Type.String({ pattern: '^auth_[0-9a-f]{32}$' });
export const AuthorizationParams = Type.Object({ id: AuthorizationId }, { additionalProperties: false });
export type AuthorizationParams = Static<typeof AuthorizationParams>;

export const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

export const AuthorizationRequest = Type.Object(
  {
    /** Minor units (cents), a positive integer. */
    amountCents: Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 }),
    currency: Currency,
    /** A tokenised card; test tokens choose outcomes (see README). */
    cardToken: Type.String({ pattern: '^tok_[a-z0-9_]{1,60}$' }),
    /** The merchant's reference (e.g. an order id), echoed back. */
    reference: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,100}$' })),
  },
  { additionalProperties: false },
);
export type AuthorizationRequest = Static<typeof AuthorizationRequest>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$' })),
});

export const Authorization = Type.Object({
  id: AuthorizationId,
  status: Type.Union([Type.Literal('authorized'), Type.Literal('declined'), Type.Literal('captured'), Type.Literal('voided'), Type.Literal('refunded')]),
  amountCents: Type.Integer(),
  currency: Currency,
  declineCode: Type.Union([Type.String(), Type.Null()]),
  reference: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Authorization = Static<typeof Authorization>;
