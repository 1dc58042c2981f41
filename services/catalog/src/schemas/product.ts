import { Type, type Static } from 'typebox';
import { Cursor, Limit, Slug, Uuid } from './common.ts';

/** Prices are integers in the currency's minor unit; the cap keeps arithmetic far from overflow. */
export const PriceCents = Type.Integer({ minimum: 0, maximum: 100_000_000 });
const Tag = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 32 });

export const Product = Type.Object({
  id: Uuid,
  sku: Type.String(),
  name: Type.String(),
  description: Type.String(),
  categoryId: Uuid,
  categorySlug: Type.String(),
  priceCents: Type.Integer(),
  currency: Type.String(),
  tags: Type.Array(Type.String()),
  imageUrl: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Product = Static<typeof Product>;

const writable = {
  sku: Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{0,63}$' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 5000 }),
  categoryId: Uuid,
  priceCents: PriceCents,
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  tags: Type.Array(Tag, { maxItems: 20, uniqueItems: true }),
  imageUrl: Type.Union([Type.String({ format: 'uri', maxLength: 500, pattern: '^https?://' }), Type.Null()]),
  active: Type.Boolean(),
};

export const ProductCreate = Type.Object(
  {
    sku: writable.sku,
    name: writable.name,
    description: Type.Optional(writable.description),
    categoryId: writable.categoryId,
    priceCents: writable.priceCents,
    currency: Type.Optional(writable.currency),
    tags: Type.Optional(writable.tags),
    imageUrl: Type.Optional(writable.imageUrl),
    active: Type.Optional(writable.active),
  },
  { additionalProperties: false },
);
export type ProductCreate = Static<typeof ProductCreate>;

export const ProductUpdate = Type.Object(
  {
    name: Type.Optional(writable.name),
    description: Type.Optional(writable.description),
    categoryId: Type.Optional(writable.categoryId),
    priceCents: Type.Optional(writable.priceCents),
    currency: Type.Optional(writable.currency),
    tags: Type.Optional(writable.tags),
    imageUrl: Type.Optional(writable.imageUrl),
    active: Type.Optional(writable.active),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ProductUpdate = Static<typeof ProductUpdate>;

export const ProductSort = Type.Union([Type.Literal('newest'), Type.Literal('price_asc'), Type.Literal('price_desc'), Type.Literal('name')]);
export type ProductSort = Static<typeof ProductSort>;

export const ProductListQuery = Type.Object(
  {
    category: Type.Optional(Slug),
    minPrice: Type.Optional(PriceCents),
    maxPrice: Type.Optional(PriceCents),
    tag: Type.Optional(Tag),
    sort: Type.Optional(ProductSort),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ProductListQuery = Static<typeof ProductListQuery>;

export const ProductPage = Type.Object({
  items: Type.Array(Product),
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

/** At most one order's worth of products (contracts' MAX_RESERVATION_ITEMS) per lookup. */
export const MAX_LOOKUP_IDS = 50;
const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

export const ProductLookupQuery = Type.Object(
  {
    /** Comma-separated product ids, 1–50. */
    ids: Type.String({ pattern: `^${UUID_PATTERN}(,${UUID_PATTERN}){0,${MAX_LOOKUP_IDS - 1}}$`, maxLength: 37 * MAX_LOOKUP_IDS }),
  },
  { additionalProperties: false },
);
export type ProductLookupQuery = Static<typeof ProductLookupQuery>;

export const ProductLookup = Type.Object({
  /** The active products among the ids, in the order asked. */
  items: Type.Array(Product),
  /** Ids with no active product (unknown, deleted or withdrawn). */
  missing: Type.Array(Uuid),
});

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200 }),
    category: Type.Optional(Slug),
    limit: Type.Optional(Limit),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, default: 0 })),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchHit = Type.Object({ ...Product.properties, rank: Type.Number() });
export const SearchResult = Type.Object({
  items: Type.Array(SearchHit),
  total: Type.Integer(),
  /** True when nothing matched: the storefront shows suggestions, analytics counts it. */
  zeroResults: Type.Boolean(),
});
