// Small shared pieces: data loading with abort, problem display, prices, product cards.
import { useEffect, useState, type DependencyList, type ReactNode } from 'react';
import { updateCart } from './cart-store.ts';
import { addToCart } from './lib/cart.ts';
import { formatCents } from './lib/money.ts';
import { ApiError, fieldLabel, networkError, userMessage } from './lib/problem.ts';
import { Link } from './router.tsx';
import { track } from './tracking.ts';
import type { Product } from './types.ts';

export type Loadable<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; error: ApiError };

/** Runs `load` when `deps` change; a newer load aborts the older one. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): [Loadable<T>, () => void] {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setResult({ state: 'loading' });
    load(abort.signal).then(
      (data) => !abort.signal.aborted && setResult({ state: 'ok', data }),
      (error: unknown) => !abort.signal.aborted && setResult({ state: 'error', error: asApiError(error) }),
    );
    return () => abort.abort();
  }, [...deps, attempt]);
  return [result, () => setAttempt((n) => n + 1)];
}

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : networkError(error);
}

export function ProblemMessage({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="problem" role="alert">
      <p>
        <strong>{error.title}.</strong> {userMessage(error)}
      </p>
      {error.fieldErrors.length > 0 && (
        <ul>
          {error.fieldErrors.map((e, i) => (
            <li key={i}>
              {fieldLabel(e.field)}: {e.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function Price({ cents, currency }: { cents: number; currency: string }) {
  return <span className="price">{formatCents(cents, currency)}</span>;
}

export function Page({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Shopwatch`;
  }, [title]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {children}
    </section>
  );
}

export function addProductToCart(product: Product, quantity = 1): boolean {
  let added = false;
  updateCart((cart) => {
    const result = addToCart(cart, { productId: product.id, name: product.name, unitPriceCents: product.priceCents, currency: product.currency }, quantity);
    added = result.ok;
    return result.cart;
  });
  if (added) track('add_to_cart', { productId: product.id });
  return added;
}

export function ProductCard({ product }: { product: Product }) {
  const [added, setAdded] = useState(false);
  return (
    <li className="card" data-testid="product-card">
      <h2 className="card-title">
        <Link to={{ name: 'product', id: product.id }}>{product.name}</Link>
      </h2>
      <p className="card-price">
        <Price cents={product.priceCents} currency={product.currency} />
      </p>
      <button
        type="button"
        onClick={() => setAdded(addProductToCart(product))}
        aria-label={`Add ${product.name} to cart`}
      >
        Add to cart
      </button>
      {added && (
        <span className="added" role="status">
          Added
        </span>
      )}
    </li>
  );
}
