import { Type, type Static } from 'typebox';
import { Uuid } from './common.ts';

export const ProductIdParams = Type.Object({ productId: Uuid }, { additionalProperties: false });
export type ProductIdParams = Static<typeof ProductIdParams>;

export const Stock = Type.Object({
  productId: Uuid,
  /** Units in the warehouse, reserved ones included. */
  onHand: Type.Integer(),
  /** Units held by open reservations. */
  reserved: Type.Integer(),
  /** onHand − reserved: what can still be reserved. Never negative. */
  available: Type.Integer(),
  lowStockThreshold: Type.Integer(),
  /** available ≤ lowStockThreshold. */
  low: Type.Boolean(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Stock = Static<typeof Stock>;

/** `?productIds=a,b,c`: up to 100 comma-separated product ids. */
export const StockBatchQuery = Type.Object(
  { productIds: Type.String({ pattern: '^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,99}$', maxLength: 3_699 }) },
  { additionalProperties: false },
);
export type StockBatchQuery = Static<typeof StockBatchQuery>;

export const StockBatch = Type.Object({
  items: Type.Array(Stock),
  /** Requested products inventory has no stock record for (never restocked). */
  unknown: Type.Array(Uuid),
});

export const Restock = Type.Object(
  {
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    /** Sets this product's own low-stock threshold (otherwise the service-wide one applies). */
    lowStockThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export type Restock = Static<typeof Restock>;

export const StockCount = Type.Object(
  {
    /** The units counted on hand (reserved ones included). */
    onHand: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
    lowStockThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export type StockCount = Static<typeof StockCount>;
