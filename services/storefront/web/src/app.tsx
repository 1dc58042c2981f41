// The shell: header (search, cart count, account), the page for the current route, footer.
import { useEffect, useRef } from 'react';
import { useCart } from './cart-store.ts';
import { cartTotals } from './lib/cart.ts';
import type { Route } from './lib/routes.ts';
import { LoginPage, SignupPage } from './pages/account.tsx';
import { CartPage, CheckoutPage } from './pages/cart.tsx';
import { HomePage, ProductDetailPage, SearchForm, SearchPage } from './pages/catalog.tsx';
import { OrderPage, OrdersPage } from './pages/orders.tsx';
import { SupportPage } from './pages/support.tsx';
import { Link, navigate, useRoute } from './router.tsx';
import { signOut, useSession } from './session.ts';
import { Page } from './components.tsx';
import { track } from './tracking.ts';

function CurrentPage({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return <HomePage category={route.category} cursor={route.cursor} />;
    case 'search':
      return <SearchPage q={route.q} offset={route.offset} />;
    case 'product':
      return <ProductDetailPage id={route.id} />;
    case 'cart':
      return <CartPage />;
    case 'checkout':
      return <CheckoutPage />;
    case 'login':
      return <LoginPage next={route.next} />;
    case 'signup':
      return <SignupPage next={route.next} />;
    case 'orders':
      return <OrdersPage />;
    case 'order':
      return <OrderPage id={route.id} />;
    case 'support':
      return <SupportPage />;
    case 'not-found':
      return (
        <Page title="Page not found">
          <p>
            There is no such page. <Link to={{ name: 'home' }}>Go to the shop</Link>
          </p>
        </Page>
      );
  }
}

export function App() {
  const route = useRoute();
  const session = useSession();
  const count = cartTotals(useCart()).itemCount;
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  const routeKey = JSON.stringify(route);

  useEffect(() => {
    track('page_view', { path: location.pathname });
    // After a navigation, move focus to the new page's heading (screen readers announce it).
    if (first.current) first.current = false;
    else main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [routeKey]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to={{ name: 'home' }} className="brand">
          Shopwatch
        </Link>
        <SearchForm initial={route.name === 'search' ? route.q : ''} />
        <nav aria-label="Account">
          <ul>
            <li>
              <Link to={{ name: 'cart' }} data-testid="cart-link">
                Cart ({count})
              </Link>
            </li>
            {session ? (
              <>
                <li>
                  <Link to={{ name: 'orders' }}>Orders</Link>
                </li>
                <li>
                  <span data-testid="signed-in-as">{session.user.displayName}</span>
                </li>
                <li>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      signOut();
                      navigate({ name: 'home' });
                    }}
                  >
                    Sign out
                  </button>
                </li>
              </>
            ) : (
              <>
                <li>
                  <Link to={{ name: 'login' }}>Sign in</Link>
                </li>
                <li>
                  <Link to={{ name: 'signup' }}>Sign up</Link>
                </li>
              </>
            )}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main}>
        <CurrentPage route={route} />
      </main>
      <footer className="site-footer">
        <Link to={{ name: 'support' }}>Contact support</Link>
      </footer>
    </>
  );
}
