// Browsing: the product list with category filter and paging, search, and the product page.
import { useEffect, useState, type FormEvent } from 'react';
import { get } from '../api.ts';
import { addProductToCart, Loading, Page, Price, ProblemMessage, ProductCard, useLoad, type Loadable } from '../components.tsx';
import { ApiError } from '../lib/problem.ts';
import { Link, navigate } from '../router.tsx';
import { track } from '../tracking.ts';
import type { Category, Product, ProductPage, SearchResult, Stock } from '../types.ts';

const PAGE_SIZE = 12;

export function HomePage({ category, cursor }: { category: string | undefined; cursor: string | undefined }) {
  const [categories] = useLoad((signal) => get<{ items: Category[] }>('/catalog/categories', signal), []);
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (category) query.set('category', category);
  if (cursor) query.set('cursor', cursor);
  const [page, retry] = useLoad((signal) => get<ProductPage>(`/catalog/products?${query.toString()}`, signal), [category, cursor]);
  const current = categories.state === 'ok' ? categories.data.items.find((c) => c.slug === category) : undefined;

  return (
    <Page title={current ? current.name : 'All products'}>
      <nav aria-label="Categories" className="categories">
        <ul>
          <li>
            <Link to={{ name: 'home' }} aria-current={category ? undefined : 'page'}>
              All
            </Link>
          </li>
          {categories.state === 'ok' &&
            categories.data.items.map((c) => (
              <li key={c.id}>
                <Link to={{ name: 'home', category: c.slug }} aria-current={c.slug === category ? 'page' : undefined}>
                  {c.name}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
      {page.state === 'loading' && <Loading what="products" />}
      {page.state === 'error' && <ProblemMessage error={page.error} onRetry={retry} />}
      {page.state === 'ok' && (
        <>
          {page.data.items.length === 0 ? (
            <p>No products here yet.</p>
          ) : (
            <ul className="grid" aria-label="Products">
              {page.data.items.map((p) => (
                <ProductCard key={p.id} product={p} />
              ))}
            </ul>
          )}
          <nav aria-label="Pages" className="pager">
            {cursor && <Link to={{ name: 'home', category }}>First page</Link>}
            {page.data.nextCursor && (
              <Link to={{ name: 'home', category, cursor: page.data.nextCursor }} rel="next">
                Next page
              </Link>
            )}
          </nav>
        </>
      )}
    </Page>
  );
}

export function SearchForm({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial);
  useEffect(() => setQ(initial), [initial]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const term = q.trim();
    if (term) navigate({ name: 'search', q: term, offset: 0 });
  };
  return (
    <form role="search" onSubmit={submit} className="search">
      <label htmlFor="search-input" className="visually-hidden">
        Search products
      </label>
      <input id="search-input" name="q" type="search" value={q} maxLength={200} placeholder="Search products" onChange={(e) => setQ(e.target.value)} />
      <button type="submit">Search</button>
    </form>
  );
}

export function SearchPage({ q, offset }: { q: string; offset: number }) {
  const [result, retry] = useLoad(
    async (signal) => {
      if (!q.trim()) return { items: [], total: 0, zeroResults: true } satisfies SearchResult;
      const query = new URLSearchParams({ q, limit: String(PAGE_SIZE), offset: String(offset) });
      const found = await get<SearchResult>(`/catalog/search?${query.toString()}`, signal);
      // One search event per search (not per page of results), with how many results it found.
      if (offset === 0) track('search', { query: q, results: found.total });
      return found;
    },
    [q, offset],
  );
  return (
    <Page title={q ? `Search: ${q}` : 'Search'}>
      {result.state === 'loading' && <Loading what="results" />}
      {result.state === 'error' && <ProblemMessage error={result.error} onRetry={retry} />}
      {result.state === 'ok' && (
        <>
          <p role="status">{result.data.zeroResults ? `Nothing matched “${q}”. Try fewer or other words.` : `${result.data.total} result${result.data.total === 1 ? '' : 's'}`}</p>
          <ul className="grid" aria-label="Search results">
            {result.data.items.map((p) => (
              <ProductCard key={p.id} product={p} />
            ))}
          </ul>
          <nav aria-label="Pages" className="pager">
            {offset > 0 && <Link to={{ name: 'search', q, offset: Math.max(0, offset - PAGE_SIZE) }}>Previous page</Link>}
            {offset + PAGE_SIZE < result.data.total && offset + PAGE_SIZE <= 1000 && (
              <Link to={{ name: 'search', q, offset: offset + PAGE_SIZE }} rel="next">
                Next page
              </Link>
            )}
          </nav>
        </>
      )}
    </Page>
  );
}

/** Stock of one product; a 404 means it was never stocked (none available). */
function useStock(productId: string) {
  return useLoad(
    async (signal) => {
      try {
        return await get<Stock>(`/inventory/stock/${encodeURIComponent(productId)}`, signal);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return { productId, available: 0, low: false } satisfies Stock;
        throw error;
      }
    },
    [productId],
  )[0];
}

function StockLine({ stock }: { stock: Loadable<Stock> }) {
  if (stock.state === 'loading') return <p className="stock">Checking stock…</p>;
  // Inventory unreachable: say so, and still let the shopper order (the saga checks stock).
  if (stock.state === 'error') return <p className="stock">Stock information is unavailable right now.</p>;
  const { available, low } = stock.data;
  return (
    <p className={`stock ${available === 0 ? 'out' : low ? 'low' : 'in'}`} data-testid="stock">
      {available === 0 ? 'Out of stock' : low ? `Only ${available} left` : `In stock (${available} available)`}
    </p>
  );
}

export function ProductDetailPage({ id }: { id: string }) {
  const [product, retry] = useLoad((signal) => get<Product>(`/catalog/products/${encodeURIComponent(id)}`, signal), [id]);
  const stock = useStock(id);
  const [quantity, setQuantity] = useState(1);
  const [message, setMessage] = useState('');
  useEffect(() => {
    track('product_view', { productId: id });
    setMessage('');
  }, [id]);
  if (product.state === 'loading') return <Loading what="product" />;
  if (product.state === 'error') return <ProblemMessage error={product.error} onRetry={retry} />;
  const p = product.data;
  const soldOut = stock.state === 'ok' && stock.data.available === 0;
  const add = (event: FormEvent) => {
    event.preventDefault();
    setMessage(addProductToCart(p, quantity) ? `${quantity} × ${p.name} added to your cart.` : 'Your cart is full.');
  };
  return (
    <Page title={p.name}>
      <div className="product">
        <p className="product-price">
          <Price cents={p.priceCents} currency={p.currency} />
        </p>
        <StockLine stock={stock} />
        <p>{p.description}</p>
        {p.tags.length > 0 && <p className="tags">Tags: {p.tags.join(', ')}</p>}
        <form onSubmit={add} className="add-form">
          <label htmlFor="quantity">Quantity</label>
          <input id="quantity" type="number" min={1} max={99} value={quantity} onChange={(e) => setQuantity(Math.min(99, Math.max(1, Math.trunc(Number(e.target.value) || 1))))} />
          <button type="submit" disabled={soldOut}>
            Add to cart
          </button>
        </form>
        <p role="status" className="message">
          {message}
        </p>
        <p>
          <Link to={{ name: 'home', category: p.categorySlug }}>More in this category</Link>
        </p>
      </div>
    </Page>
  );
}
