// The deterministic demo catalogue: 8 categories × 25 products, generated from word lists with a
// seeded PRNG, so every machine (and every test) gets byte-identical data and ids. Shared here
// because two services must agree on it: catalog loads the products, inventory stocks the same ids
// (each service's image carries contracts, and no service may depend on another service's code).
import { createHash } from 'node:crypto';

export interface SeedCategory {
  id: string;
  slug: string;
  name: string;
  description: string;
}

export interface SeedProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  categoryId: string;
  priceCents: number;
  currency: 'EUR';
  tags: string[];
  imageUrl: string;
}

interface CategoryWords {
  slug: string;
  name: string;
  description: string;
  nouns: string[];
  materials: string[];
  priceRange: [number, number];
}

const CATEGORIES: CategoryWords[] = [
  { slug: 'kitchen', name: 'Kitchen', description: 'Cookware and tools for everyday cooking.', nouns: ['kettle', 'frying pan', 'chef knife', 'cutting board', 'saucepan'], materials: ['stainless steel', 'cast iron', 'walnut', 'enamel', 'copper'], priceRange: [900, 18900] },
  { slug: 'coffee-tea', name: 'Coffee & Tea', description: 'Beans, leaves and the gear to brew them.', nouns: ['coffee grinder', 'pour-over dripper', 'teapot', 'espresso cup', 'tea tin'], materials: ['ceramic', 'glass', 'porcelain', 'bamboo', 'brass'], priceRange: [600, 24900] },
  { slug: 'outdoor', name: 'Outdoor', description: 'Kit for hiking, camping and long days outside.', nouns: ['backpack', 'tent', 'headlamp', 'water bottle', 'sleeping bag'], materials: ['ripstop nylon', 'aluminium', 'merino', 'titanium', 'waxed canvas'], priceRange: [1500, 39900] },
  { slug: 'electronics', name: 'Electronics', description: 'Small gadgets that make life easier.', nouns: ['wireless speaker', 'headphones', 'power bank', 'desk lamp', 'smart plug'], materials: ['matte black', 'aluminium', 'recycled plastic', 'walnut', 'fabric'], priceRange: [1900, 29900] },
  { slug: 'books', name: 'Books', description: 'Paper books about making, cooking and exploring.', nouns: ['cookbook', 'field guide', 'atlas', 'notebook', 'novel'], materials: ['hardcover', 'paperback', 'cloth-bound', 'illustrated', 'pocket'], priceRange: [800, 5900] },
  { slug: 'home-office', name: 'Home Office', description: 'A better desk, one object at a time.', nouns: ['desk organiser', 'monitor stand', 'office chair cushion', 'fountain pen', 'desk mat'], materials: ['oak', 'felt', 'steel', 'leather', 'cork'], priceRange: [1200, 34900] },
  { slug: 'garden', name: 'Garden', description: 'Tools and seeds for balconies and backyards.', nouns: ['watering can', 'pruning shears', 'plant pot', 'seed kit', 'garden gloves'], materials: ['galvanised steel', 'terracotta', 'ash wood', 'recycled rubber', 'linen'], priceRange: [500, 9900] },
  { slug: 'toys', name: 'Toys & Games', description: 'Games for rainy days and curious minds.', nouns: ['puzzle', 'board game', 'building blocks', 'kite', 'card game'], materials: ['wooden', 'cardboard', 'beech', 'nylon', 'recycled'], priceRange: [700, 7900] },
];

const ADJECTIVES = ['classic', 'compact', 'everyday', 'premium', 'travel', 'heritage', 'minimal', 'sturdy', 'lightweight', 'family'];
const QUALITIES = ['built to last', 'easy to clean', 'made in small batches', 'designed for daily use', 'with a lifetime warranty', 'gift-ready'];

/** mulberry32: tiny, fast and deterministic; not for secrets. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable UUID-shaped id (version 5 layout) derived from a name. */
export function stableId(name: string): string {
  const hex = createHash('sha1').update(`shopwatch:${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function seedCatalog(perCategory = 25): { categories: SeedCategory[]; products: SeedProduct[] } {
  const random = prng(20261121);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const categories: SeedCategory[] = [];
  const products: SeedProduct[] = [];
  for (const [ci, words] of CATEGORIES.entries()) {
    const category = { id: stableId(`category:${words.slug}`), slug: words.slug, name: words.name, description: words.description };
    categories.push(category);
    for (let i = 0; i < perCategory; i++) {
      const noun = words.nouns[i % words.nouns.length]!;
      const material = words.materials[Math.floor(i / words.nouns.length) % words.materials.length]!;
      const adjective = pick(ADJECTIVES);
      const name = `${capitalise(adjective)} ${material} ${noun}`;
      const sku = `${words.slug.slice(0, 3).toUpperCase()}-${String(ci + 1).padStart(2, '0')}${String(i + 1).padStart(3, '0')}`;
      const [low, high] = words.priceRange;
      // Prices end in 90 or 99 cents, like a real shop's.
      const euros = Math.floor(low / 100 + random() * ((high - low) / 100));
      const priceCents = euros * 100 + (random() < 0.5 ? 90 : 99);
      products.push({
        id: stableId(`product:${sku}`),
        sku,
        name,
        description: `A ${adjective} ${noun} in ${material}, ${pick(QUALITIES)}. Part of our ${words.name.toLowerCase()} range.`,
        categoryId: category.id,
        priceCents,
        currency: 'EUR',
        tags: [...new Set([slugify(noun), slugify(material), adjective])],
        imageUrl: `https://images.shopwatch.dev/products/${sku.toLowerCase()}.webp`,
      });
    }
  }
  return { categories, products };
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
