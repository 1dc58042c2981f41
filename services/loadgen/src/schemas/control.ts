import { Type, type Static } from 'typebox';
import { MAX_WEIGHT } from '../domain/mix.ts';

const Weight = Type.Integer({ minimum: 0, maximum: MAX_WEIGHT });

/** Relative weights; a scenario not named weighs 0. */
export const MixSchema = Type.Object(
  {
    browse: Type.Optional(Weight),
    search: Type.Optional(Weight),
    cart: Type.Optional(Weight),
    checkout: Type.Optional(Weight),
    signup: Type.Optional(Weight),
    support: Type.Optional(Weight),
  },
  { additionalProperties: false },
);

const FullMix = Type.Object({ browse: Weight, search: Weight, cart: Weight, checkout: Weight, signup: Weight, support: Weight });

export const ControlUpdateBody = Type.Object(
  {
    /** Scenarios per second, at most LOADGEN_MAX_RATE. */
    rate: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })),
    /** Replaces the whole mix. */
    mix: Type.Optional(MixSchema),
    paused: Type.Optional(Type.Boolean()),
    maxInFlight: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ControlUpdateBody = Static<typeof ControlUpdateBody>;

export const ControlState = Type.Object({
  running: Type.Boolean(),
  paused: Type.Boolean(),
  rate: Type.Number(),
  maxRate: Type.Number(),
  mix: FullMix,
  maxInFlight: Type.Integer(),
  inFlight: Type.Integer(),
  seed: Type.Integer(),
  shoppers: Type.Integer(),
  arrivals: Type.Object({ started: Type.Integer(), dropped: Type.Integer() }),
});
export type ControlState = Static<typeof ControlState>;
