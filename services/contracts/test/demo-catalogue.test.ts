import { describe, expect, it } from 'vitest';
import { seedCatalog, stableId } from '../src/demo-catalogue.ts';

describe('seed catalogue', () => {
  const { categories, products } = seedCatalog();

  it('has 8 categories and 200 products with unique ids, SKUs and names', () => {
    expect(categories).toHaveLength(8);
    expect(products).toHaveLength(200);
    expect(new Set(products.map((p) => p.id)).size).toBe(200);
    expect(new Set(products.map((p) => p.sku)).size).toBe(200);
    for (const c of categories) expect(products.filter((p) => p.categoryId === c.id)).toHaveLength(25);
  });

  it('is deterministic', () => {
    expect(seedCatalog()).toEqual(seedCatalog());
  });

  it('has shop-like prices and valid UUID-shaped ids', () => {
    for (const p of products) {
      expect(p.priceCents % 100 === 90 || p.priceCents % 100 === 99).toBe(true);
      expect(p.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(stableId('x')).toBe(stableId('x'));
    expect(stableId('x')).not.toBe(stableId('y'));
  });
});
