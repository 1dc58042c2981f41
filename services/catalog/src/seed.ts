// `make seed`: loads the deterministic demo catalogue (8 categories, 200 products). Idempotent:
// rows are upserted by their stable ids, so running it twice changes nothing the second time.
import { createPool, loadConfig, startOrExit, withTransaction, type Queryable } from '@shopwatch/platform';
import { Type } from 'typebox';
import { seedCatalog } from '@shopwatch/contracts';
import { migrateCatalog } from './migrate.ts';

export async function loadSeed(db: Queryable): Promise<{ categories: number; products: number }> {
  const { categories, products } = seedCatalog();
  for (const c of categories) {
    await db.query(
      `INSERT INTO categories (id, slug, name, description) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET slug = EXCLUDED.slug, name = EXCLUDED.name, description = EXCLUDED.description`,
      [c.id, c.slug, c.name, c.description],
    );
  }
  // Fixed creation times one minute apart keep the `newest` order deterministic too.
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (const [i, p] of products.entries()) {
    await db.query(
      `INSERT INTO products (id, sku, name, description, category_id, price_cents, currency, tags, image_url, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, category_id = EXCLUDED.category_id,
         price_cents = EXCLUDED.price_cents, currency = EXCLUDED.currency, tags = EXCLUDED.tags, image_url = EXCLUDED.image_url
       WHERE (products.name, products.description, products.category_id, products.price_cents, products.tags, products.image_url)
         IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.description, EXCLUDED.category_id, EXCLUDED.price_cents, EXCLUDED.tags, EXCLUDED.image_url)`,
      [p.id, p.sku, p.name, p.description, p.categoryId, p.priceCents, p.currency, p.tags, p.imageUrl, new Date(base + i * 60_000)],
    );
  }
  return { categories: categories.length, products: products.length };
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    await migrateCatalog(DATABASE_URL);
    const pool = createPool({ connectionString: DATABASE_URL, max: 2, applicationName: 'catalog-seed' });
    try {
      const counts = await withTransaction(pool, (client) => loadSeed(client));
      process.stdout.write(`catalog seed: ${counts.categories} categories, ${counts.products} products\n`);
    } finally {
      await pool.end();
    }
  });
}
