// Inventory's part of the faults file (docs/architecture.md §3: faults are configuration). Example:
// `{ "http": { "latencyMs": 0 }, "inventory": { "slowQueryMs": 250, "consumerDelayMs": 100 } }`.
import { HttpFaultsSchema } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const InventoryFaultsSchema = Type.Object(
  {
    /**
     * A slow query inside every reservation transaction, while its stock row locks are held
     * (`pg_sleep` in PostgreSQL): lock contention and saga step latency as a slow database causes them.
     */
    slowQueryMs: Type.Integer({ minimum: 0, maximum: 30_000, default: 0 }),
    /** A pause before each saga command is handled: consumer lag and saga step timeouts. */
    consumerDelayMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 0 }),
  },
  { additionalProperties: false, default: {} },
);
export type InventoryFaults = Static<typeof InventoryFaultsSchema>;

export const InventoryFaultsFileSchema = Type.Object({ http: HttpFaultsSchema, inventory: InventoryFaultsSchema }, { additionalProperties: true });
export type InventoryFaultsFile = Static<typeof InventoryFaultsFileSchema>;

export const NO_FAULTS: InventoryFaults = { slowQueryMs: 0, consumerDelayMs: 0 };
