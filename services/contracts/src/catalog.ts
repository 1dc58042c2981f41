// Catalog's events. Ids are fine inside payloads (they are data); they never become metric labels.
import { Type, type Static } from 'typebox';

/** Product, category, session and user ids: opaque strings (UUIDs today, not promised). */
const Id = Type.String({ minLength: 1, maxLength: 100 });

export const ProductViewedSchema = Type.Object(
  {
    productId: Id,
    categoryId: Type.Optional(Id),
    /** Anonymous shopper session, when known. */
    sessionId: Type.Optional(Id),
    /** Signed-in shopper, when known. */
    userId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ProductViewed = Static<typeof ProductViewedSchema>;

/** The product as it is after a create or update: enough for read models and analytics. */
export const ProductSnapshotSchema = Type.Object(
  {
    productId: Id,
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.String({ minLength: 1, maxLength: 300 }),
    categoryId: Id,
    /** Price in the currency's minor unit (cents), never a float. */
    priceCents: Type.Integer({ minimum: 0, maximum: 100_000_000_00 }),
    /** ISO 4217 code. */
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const ProductCreatedSchema = ProductSnapshotSchema;
export type ProductCreated = Static<typeof ProductCreatedSchema>;

export const ProductUpdatedSchema = Type.Object(
  {
    ...ProductSnapshotSchema.properties,
    /** Which fields this update changed, so consumers can ignore irrelevant updates. */
    changedFields: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type ProductUpdated = Static<typeof ProductUpdatedSchema>;

export const ProductDeletedSchema = Type.Object({ productId: Id }, { additionalProperties: false });
export type ProductDeleted = Static<typeof ProductDeletedSchema>;

export const CATALOG_PRODUCTS_TOPIC = 'shop.catalog.products.v1';
export const CATALOG_VIEWS_TOPIC = 'shop.catalog.views.v1';

/**
 * Product lifecycle facts go to one topic keyed by product id (so a product's create → update →
 * delete stay ordered); views are high-volume clickstream and get their own topic, so consumers
 * of the lifecycle do not wade through them.
 */
export const catalogEvents = {
  'shop.catalog.product.viewed': { topic: CATALOG_VIEWS_TOPIC, schema: ProductViewedSchema },
  'shop.catalog.product.created': { topic: CATALOG_PRODUCTS_TOPIC, schema: ProductCreatedSchema },
  'shop.catalog.product.updated': { topic: CATALOG_PRODUCTS_TOPIC, schema: ProductUpdatedSchema },
  'shop.catalog.product.deleted': { topic: CATALOG_PRODUCTS_TOPIC, schema: ProductDeletedSchema },
} as const;
