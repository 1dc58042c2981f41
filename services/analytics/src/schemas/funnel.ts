import { Type, type Static } from 'typebox';

export const FunnelQuery = Type.Object(
  { window: Type.Optional(Type.Union([Type.Literal('1h'), Type.Literal('24h')], { default: '1h' })) },
  { additionalProperties: false },
);
export type FunnelQuery = Static<typeof FunnelQuery>;

const Ratio = Type.Union([Type.Number(), Type.Null()]);

export const FunnelStage = Type.Object({
  stage: Type.String(),
  /** The larger of the two sources: each observes the same shoppers. */
  count: Type.Integer(),
  storefront: Type.Integer(),
  domain: Type.Integer(),
  /** Distinct sessions that reached the stage (events carrying a session id). */
  sessions: Type.Integer(),
});

export const FunnelReport = Type.Object({
  window: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  stages: Type.Array(FunnelStage),
  /** Orders cancelled in the window (domain). */
  cancelled: Type.Integer(),
  conversion: Type.Object({ viewToCart: Ratio, cartToCheckout: Ratio, checkoutToPurchase: Ratio, viewToPurchase: Ratio }),
  /** Conversion by distinct sessions instead of events. */
  sessionConversion: Type.Object({ viewToCart: Ratio, cartToCheckout: Ratio, checkoutToPurchase: Ratio, viewToPurchase: Ratio }),
});
export type FunnelReport = Static<typeof FunnelReport>;
