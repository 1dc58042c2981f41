// Notifications' part of the faults file (docs/architecture.md §3: faults are configuration). Example:
// `{ "notifications": { "email": { "failureRate": 0.2, "latencyMs": 50 }, "sms": { "failureRate": 1 } } }`.
import { HttpFaultsSchema } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const ChannelFaultsSchema = Type.Object(
  {
    /** Share (0..1) of delivery attempts on this channel that fail. */
    failureRate: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
    /** How long each attempt takes. */
    latencyMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 0 }),
  },
  { additionalProperties: false, default: {} },
);
export type ChannelFaults = Static<typeof ChannelFaultsSchema>;

export const NotificationsFaultsSchema = Type.Object(
  { email: ChannelFaultsSchema, sms: ChannelFaultsSchema, push: ChannelFaultsSchema },
  { additionalProperties: false, default: {} },
);
export type NotificationsFaults = Static<typeof NotificationsFaultsSchema>;

export const NotificationsFaultsFileSchema = Type.Object({ http: HttpFaultsSchema, notifications: NotificationsFaultsSchema }, { additionalProperties: true });
export type NotificationsFaultsFile = Static<typeof NotificationsFaultsFileSchema>;

export const NO_FAULTS: NotificationsFaults = { email: { failureRate: 0, latencyMs: 0 }, sms: { failureRate: 0, latencyMs: 0 }, push: { failureRate: 0, latencyMs: 0 } };
