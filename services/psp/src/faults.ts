// psp's part of the faults file: the kit's `http` knobs (latency, 503 share) plus provider knobs.
import { HttpFaultsSchema } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const PspFaultsSchema = Type.Object(
  {
    /** Share of otherwise approved authorisations declined with `do_not_honor` (0..1). */
    declineRate: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
    /** Share of authorisations answered 500 `processing_error` (0..1), nothing stored: a retry may succeed. */
    errorRate: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
  },
  { additionalProperties: false, default: {} },
);

/** `{"http": {"latencyMs": 300}, "psp": {"declineRate": 0.1}}`; other services' keys are ignored. */
export const PspFaultsFileSchema = Type.Object({ http: HttpFaultsSchema, psp: PspFaultsSchema }, { additionalProperties: true });
export type PspFaultsFile = Static<typeof PspFaultsFileSchema>;
