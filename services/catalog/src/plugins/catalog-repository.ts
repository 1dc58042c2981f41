// PostgreSQL access for catalog. Plain SQL with parameters only (never string-built values);
// callers pass the pool or a transaction client, so writes and their outbox events commit together.
import type { Queryable } from '@shopwatch/platform';
import { keysetFor, type CursorPosition } from '../domain/pagination.ts';
import type { Category, CategoryCreate, CategoryUpdate } from '../schemas/category.ts';
import type { Product, ProductCreate, ProductSort, ProductUpdate } from '../schemas/product.ts';

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  category_id: string;
  category_slug: string;
  price_cents: number;
  currency: string;
  tags: string[];
  image_url: string | null;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  rank?: number;
  total?: string;
}

const PRODUCT_COLUMNS = `p.id, p.sku, p.name, p.description, p.category_id, c.slug AS category_slug, p.price_cents,
  p.currency, p.tags, p.image_url, p.active, p.version, p.created_at, p.updated_at`;
const PRODUCT_FROM = 'products p JOIN categories c ON c.id = p.category_id';

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    categoryId: row.category_id,
    categorySlug: row.category_slug,
    priceCents: row.price_cents,
    currency: row.currency,
    tags: row.tags,
    imageUrl: row.image_url,
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function sortKeyOf(product: Product, sort: ProductSort): string | number {
  if (sort === 'price_asc' || sort === 'price_desc') return product.priceCents;
  if (sort === 'name') return product.name;
  return product.createdAt;
}

// ---- categories ----

export async function listCategories(db: Queryable): Promise<Category[]> {
  const { rows } = await db.query<Category>('SELECT id, slug, name, description FROM categories ORDER BY name, id');
  return rows;
}

export async function getCategory(db: Queryable, id: string): Promise<Category | undefined> {
  const { rows } = await db.query<Category>('SELECT id, slug, name, description FROM categories WHERE id = $1', [id]);
  return rows[0];
}

export async function createCategory(db: Queryable, input: CategoryCreate): Promise<Category> {
  const { rows } = await db.query<Category>(
    'INSERT INTO categories (slug, name, description) VALUES ($1, $2, $3) RETURNING id, slug, name, description',
    [input.slug, input.name, input.description ?? ''],
  );
  return rows[0]!;
}

export async function updateCategory(db: Queryable, id: string, input: CategoryUpdate): Promise<Category | undefined> {
  const { rows } = await db.query<Category>(
    `UPDATE categories SET name = COALESCE($2, name), description = COALESCE($3, description), updated_at = now()
     WHERE id = $1 RETURNING id, slug, name, description`,
    [id, input.name ?? null, input.description ?? null],
  );
  return rows[0];
}

/** Deletes an empty category; 'in-use' when products still reference it. */
export async function deleteCategory(db: Queryable, id: string): Promise<'deleted' | 'missing' | 'in-use'> {
  const { rows } = await db.query<{ in_use: boolean }>('SELECT EXISTS (SELECT 1 FROM products WHERE category_id = $1) AS in_use', [id]);
  if (rows[0]?.in_use) return 'in-use';
  const result = await db.query('DELETE FROM categories WHERE id = $1', [id]);
  return result.rowCount ? 'deleted' : 'missing';
}

// ---- products ----

export async function getProduct(db: Queryable, id: string): Promise<Product | undefined> {
  const { rows } = await db.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM ${PRODUCT_FROM} WHERE p.id = $1`, [id]);
  return rows[0] ? toProduct(rows[0]) : undefined;
}

export async function getProducts(db: Queryable, ids: readonly string[]): Promise<Product[]> {
  const { rows } = await db.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM ${PRODUCT_FROM} WHERE p.id = ANY($1::uuid[])`, [ids]);
  return rows.map(toProduct);
}

export interface ProductFilter {
  categorySlug?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  tag?: string | undefined;
  /** Include inactive products (admins); shoppers only see active ones. */
  includeInactive?: boolean;
}

export async function listProducts(
  db: Queryable,
  filter: ProductFilter,
  sort: ProductSort,
  limit: number,
  after: CursorPosition | undefined,
): Promise<Product[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return params.length;
  };
  if (!filter.includeInactive) where.push('p.active');
  if (filter.categorySlug) where.push(`c.slug = $${param(filter.categorySlug)}`);
  if (filter.minPrice !== undefined) where.push(`p.price_cents >= $${param(filter.minPrice)}`);
  if (filter.maxPrice !== undefined) where.push(`p.price_cents <= $${param(filter.maxPrice)}`);
  if (filter.tag) where.push(`$${param(filter.tag)} = ANY (p.tags)`);
  const keyset = keysetFor(sort);
  if (after) {
    const keyParam = param(after.key);
    param(after.id);
    where.push(keyset.after(keyParam));
  }
  const sql = `SELECT ${PRODUCT_COLUMNS} FROM ${PRODUCT_FROM}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${keyset.orderBy} LIMIT $${param(limit)}`;
  const { rows } = await db.query<ProductRow>(sql, params);
  return rows.map(toProduct);
}

export interface SearchOutcome {
  items: Array<Product & { rank: number }>;
  total: number;
}

/**
 * Full-text search over name (weight A), tags (B) and description (C), ranked by ts_rank_cd with
 * length normalisation, ties broken by name for a stable order.
 */
export async function searchProducts(
  db: Queryable,
  text: string,
  categorySlug: string | undefined,
  limit: number,
  offset: number,
): Promise<SearchOutcome> {
  const params: unknown[] = [text, limit, offset];
  const categoryClause = categorySlug ? `AND c.slug = $${params.push(categorySlug)}` : '';
  const { rows } = await db.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS}, ts_rank_cd(p.search, q, 1) AS rank, count(*) OVER () AS total
     FROM ${PRODUCT_FROM}, websearch_to_tsquery('english', $1) q
     WHERE p.active AND p.search @@ q ${categoryClause}
     ORDER BY rank DESC, p.name ASC, p.id ASC
     LIMIT $2 OFFSET $3`,
    params,
  );
  let total = rows[0]?.total !== undefined ? Number(rows[0].total) : 0;
  if (rows.length === 0 && offset > 0) {
    // Past the last page the window count is unavailable; count directly so `total` stays true.
    const count = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${PRODUCT_FROM}, websearch_to_tsquery('english', $1) q WHERE p.active AND p.search @@ q ${categorySlug ? 'AND c.slug = $2' : ''}`,
      categorySlug ? [text, categorySlug] : [text],
    );
    total = Number(count.rows[0]?.n ?? 0);
  }
  return { items: rows.map((row) => ({ ...toProduct(row), rank: Number(row.rank ?? 0) })), total };
}

export async function createProduct(db: Queryable, input: ProductCreate): Promise<Product> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO products (sku, name, description, category_id, price_cents, currency, tags, image_url, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      input.sku,
      input.name,
      input.description ?? '',
      input.categoryId,
      input.priceCents,
      input.currency ?? 'EUR',
      input.tags ?? [],
      input.imageUrl ?? null,
      input.active ?? true,
    ],
  );
  return (await getProduct(db, rows[0]!.id))!;
}

/** Applies a partial update; `expectedVersion` (from If-Match) makes it conditional. */
export async function updateProduct(
  db: Queryable,
  id: string,
  input: ProductUpdate,
  expectedVersion?: number,
): Promise<{ product: Product; changed: string[] } | 'missing' | 'version-mismatch'> {
  const columns: Record<keyof ProductUpdate, string> = {
    name: 'name',
    description: 'description',
    categoryId: 'category_id',
    priceCents: 'price_cents',
    currency: 'currency',
    tags: 'tags',
    imageUrl: 'image_url',
    active: 'active',
  };
  const sets: string[] = [];
  const params: unknown[] = [id];
  const changed: string[] = [];
  for (const [field, column] of Object.entries(columns) as Array<[keyof ProductUpdate, string]>) {
    if (input[field] === undefined) continue;
    params.push(input[field]);
    sets.push(`${column} = $${params.length}`);
    changed.push(field);
  }
  let versionClause = '';
  if (expectedVersion !== undefined) {
    params.push(expectedVersion);
    versionClause = `AND version = $${params.length}`;
  }
  const result = await db.query(
    `UPDATE products SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1 ${versionClause}`,
    params,
  );
  if (!result.rowCount) {
    const exists = await db.query('SELECT 1 FROM products WHERE id = $1', [id]);
    return exists.rowCount ? 'version-mismatch' : 'missing';
  }
  return { product: (await getProduct(db, id))!, changed };
}

export async function deleteProduct(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query('DELETE FROM products WHERE id = $1', [id]);
  return Boolean(result.rowCount);
}
