// What loadgen has learnt about the shop's catalogue from the pages its shoppers saw: product ids
// to visit and order, category slugs to browse, and the words in product names and tags, from
// which searches are drawn (so searches use the catalogue's own vocabulary, plus a few that find
// nothing, as real shoppers' do). Bounded in size.

export interface KnownProduct {
  id: string;
  name: string;
  categorySlug: string;
  tags: string[];
}

/** Searches real shoppers type that a small shop often cannot answer (zero-result demand). */
export const UNMATCHED_TERMS = ['gift card', 'kettel', 'bicycle', 'vinyl record', 'umbrella', 'sofa'];

const STOP_WORDS = new Set(['and', 'the', 'for', 'with', 'set', 'pro', 'mini', 'max', 'of']);
export const MAX_PRODUCTS = 2_000;

export class Catalogue {
  readonly #products = new Map<string, KnownProduct>();
  readonly #categories = new Set<string>();
  readonly #words = new Set<string>();
  readonly #phrases = new Set<string>();

  learnProducts(products: readonly KnownProduct[]): void {
    for (const product of products) {
      if (this.#products.size >= MAX_PRODUCTS && !this.#products.has(product.id)) continue;
      this.#products.set(product.id, product);
      if (product.categorySlug) this.#categories.add(product.categorySlug);
      for (const term of termsOf(product)) (term.includes(' ') ? this.#phrases : this.#words).add(term);
    }
  }

  learnCategories(slugs: readonly string[]): void {
    for (const slug of slugs) this.#categories.add(slug);
  }

  get products(): KnownProduct[] {
    return [...this.#products.values()];
  }

  get categories(): string[] {
    return [...this.#categories];
  }

  get words(): string[] {
    return [...this.#words];
  }

  get phrases(): string[] {
    return [...this.#phrases];
  }

  forget(productId: string): void {
    this.#products.delete(productId);
  }
}

/** Search terms from one product: single words of its name and tags, and adjacent word pairs of its name. */
export function termsOf(product: Pick<KnownProduct, 'name' | 'tags'>): string[] {
  const words = product.name
    .toLowerCase()
    .split(/[^\p{L}\p{N}-]+/u)
    .filter((w) => w.length >= 3 && !STOP_WORDS.has(w) && !/^\d+$/.test(w));
  const terms = new Set<string>(words);
  for (let i = 0; i + 1 < words.length; i++) terms.add(`${words[i]} ${words[i + 1]}`);
  for (const tag of product.tags) if (tag.length >= 3) terms.add(tag.replaceAll('-', ' '));
  return [...terms];
}

/** One search a shopper types: mostly a catalogue word, sometimes a phrase, now and then a miss. */
export function chooseSearchTerm(catalogue: Catalogue, uniform: () => number): string {
  const words = catalogue.words;
  const phrases = catalogue.phrases;
  const roll = uniform();
  const pick = (items: string[]): string => items[Math.floor(uniform() * items.length)] as string;
  if (roll < 0.1 || words.length === 0) return pick(UNMATCHED_TERMS);
  if (roll < 0.35 && phrases.length > 0) return pick(phrases);
  return pick(words);
}
