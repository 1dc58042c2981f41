// `npm run seed -w @shopwatch/inventory` (make dev): gives every product of the demo catalogue a
// stock record, so the local shop can sell. Deterministic quantities, some deliberately low so the
// low-stock signals and gauges have something to show. Idempotent and never clobbers: products
// that already have stock (restocked, reserved, sold) are left alone.
import { seedCatalog } from '@shopwatch/contracts';
import { createPool, loadConfig, startOrExit, type Queryable } from '@shopwatch/platform';
import { Type } from 'typebox';
import { migrateInventory } from './migrate.ts';

/** Units on hand for the i-th demo product: every tenth is nearly sold out, the rest 20–200. */
export function demoQuantity(index: number): number {
  return index % 10 === 0 ? 3 : 20 + ((index * 37) % 181);
}

export async function loadDemoStock(db: Queryable): Promise<number> {
  const products = seedCatalog().products;
  const { rowCount } = await db.query(
    `INSERT INTO stock (product_id, on_hand) SELECT * FROM unnest($1::uuid[], $2::int[]) ON CONFLICT (product_id) DO NOTHING`,
    [products.map((p) => p.id), products.map((_, i) => demoQuantity(i))],
  );
  return rowCount ?? 0;
}

if (import.meta.main) {
  startOrExit(async () => {
    const { DATABASE_URL } = loadConfig(Type.Object({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) }));
    await migrateInventory(DATABASE_URL);
    const pool = createPool({ connectionString: DATABASE_URL, max: 1, applicationName: 'inventory-seed' });
    try {
      const created = await loadDemoStock(pool);
      process.stdout.write(`inventory seed: ${created} product(s) stocked\n`);
    } finally {
      await pool.end();
    }
  });
}
