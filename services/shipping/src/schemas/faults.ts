// Shipping's part of the faults file (docs/architecture.md §3: faults are configuration). Example:
// `{ "shipping": { "failureRate": 0.2, "processingDelayMs": 3000 } }`.
import { HttpFaultsSchema } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const ShippingFaultsSchema = Type.Object(
  {
    /** Share (0..1) of create commands answered `creation-failed` with reason `carrier_unavailable`. */
    failureRate: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
    /** A pause before each create command is handled: the saga's step timeout, on purpose. */
    processingDelayMs: Type.Integer({ minimum: 0, maximum: 120_000, default: 0 }),
  },
  { additionalProperties: false, default: {} },
);
export type ShippingFaults = Static<typeof ShippingFaultsSchema>;

export const ShippingFaultsFileSchema = Type.Object({ http: HttpFaultsSchema, shipping: ShippingFaultsSchema }, { additionalProperties: true });
export type ShippingFaultsFile = Static<typeof ShippingFaultsFileSchema>;

export const NO_FAULTS: ShippingFaults = { failureRate: 0, processingDelayMs: 0 };
