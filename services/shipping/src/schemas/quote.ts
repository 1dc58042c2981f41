import { DestinationSchema, ShippingMethodSchema } from '@shopwatch/contracts';
import { Type, type Static } from 'typebox';

export const QuoteRequest = Type.Object(
  {
    destination: DestinationSchema,
    /** Grams, whole. Above 70 kg the answer is a 422 `overweight`; the schema only stops absurd values. */
    weightGrams: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    /** Only this method; every method that can take the parcel when absent. */
    method: Type.Optional(ShippingMethodSchema),
  },
  { additionalProperties: false },
);
export type QuoteRequest = Static<typeof QuoteRequest>;

export const ZoneSchema = Type.Union([Type.Literal('domestic'), Type.Literal('eu'), Type.Literal('europe'), Type.Literal('world')]);

export const QuoteView = Type.Object({
  method: ShippingMethodSchema,
  carrier: Type.String(),
  costCents: Type.Integer(),
  currency: Type.String(),
  estimatedDays: Type.Object({ min: Type.Integer(), max: Type.Integer() }),
});

export const QuoteResponse = Type.Object({
  country: Type.String(),
  zone: ZoneSchema,
  weightGrams: Type.Integer(),
  quotes: Type.Array(QuoteView),
});
export type QuoteResponse = Static<typeof QuoteResponse>;
