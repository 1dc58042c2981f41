// The cart (local storage) and the checkout: shipping address and method, a quote from
// /api/shipping/quotes, then POST /api/orders and on to the live order status.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, post } from '../api.ts';
import { saveCart, updateCart, useCart } from '../cart-store.ts';
import { asApiError, Page, Price, ProblemMessage } from '../components.tsx';
import { cartTotals, EMPTY_CART, orderItems, parcelWeightGrams, removeLine, setQuantity } from '../lib/cart.ts';
import { randomId } from '../lib/ids.ts';
import { formatCents } from '../lib/money.ts';
import { readOrder, readQuotes, type QuoteView } from '../lib/orders.ts';
import type { ApiError } from '../lib/problem.ts';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.ts';
import { track } from '../tracking.ts';

function Subtotal() {
  const totals = cartTotals(useCart());
  return (
    <p className="subtotal">
      Subtotal ({totals.itemCount} item{totals.itemCount === 1 ? '' : 's'}): <strong>{totals.subtotals.map((s) => formatCents(s.cents, s.currency)).join(' + ') || formatCents(0)}</strong>
    </p>
  );
}

export function CartPage() {
  const cart = useCart();
  const session = useSession();
  return (
    <Page title="Your cart">
      {cart.lines.length === 0 ? (
        <p>
          Your cart is empty. <Link to={{ name: 'home' }}>Browse products</Link>
        </p>
      ) : (
        <>
          <table className="cart">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col">Total</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {cart.lines.map((line) => (
                <tr key={line.productId} data-testid="cart-line">
                  <td>
                    <Link to={{ name: 'product', id: line.productId }}>{line.name}</Link>
                  </td>
                  <td>
                    <Price cents={line.unitPriceCents} currency={line.currency} />
                  </td>
                  <td>
                    <input
                      type="number"
                      min={1}
                      max={99}
                      value={line.quantity}
                      aria-label={`Quantity of ${line.name}`}
                      onChange={(e) => updateCart((c) => setQuantity(c, line.productId, Number(e.target.value)))}
                    />
                  </td>
                  <td>
                    <Price cents={line.unitPriceCents * line.quantity} currency={line.currency} />
                  </td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Remove ${line.name}`}
                      onClick={() => {
                        updateCart((c) => removeLine(c, line.productId));
                        track('remove_from_cart', { productId: line.productId });
                      }}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Subtotal />
          <p>
            {session ? (
              <Link to={{ name: 'checkout' }} className="button">
                Checkout
              </Link>
            ) : (
              <>
                <Link to={{ name: 'login', next: '/checkout' }} className="button">
                  Sign in to check out
                </Link>
              </>
            )}
          </p>
        </>
      )}
    </Page>
  );
}

const COUNTRIES: Array<[string, string]> = [
  ['DE', 'Germany'],
  ['FR', 'France'],
  ['NL', 'Netherlands'],
  ['BE', 'Belgium'],
  ['AT', 'Austria'],
  ['IE', 'Ireland'],
  ['IT', 'Italy'],
  ['ES', 'Spain'],
  ['PL', 'Poland'],
  ['SE', 'Sweden'],
  ['GB', 'United Kingdom'],
  ['US', 'United States'],
];

type Method = 'standard' | 'express';

export function CheckoutPage() {
  const cart = useCart();
  const session = useSession();
  const [country, setCountry] = useState('DE');
  const [postalCode, setPostalCode] = useState('');
  const [city, setCity] = useState('');
  const [method, setMethod] = useState<Method>('standard');
  const [cardToken, setCardToken] = useState('');
  const [quotes, setQuotes] = useState<{ state: 'idle' } | { state: 'loading' } | { state: 'ok'; quotes: QuoteView[] } | { state: 'error'; error: ApiError }>({ state: 'idle' });
  const [placing, setPlacing] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  // One key per checkout attempt: a retried click never places a second order.
  const idempotencyKey = useRef(randomId());
  const started = useRef(false);
  const totals = cartTotals(cart);

  useEffect(() => {
    if (!started.current && cart.lines.length > 0) {
      started.current = true;
      track('checkout_started');
    }
  }, [cart.lines.length]);

  if (!session) {
    return (
      <Page title="Checkout">
        <p>
          Please <Link to={{ name: 'login', next: '/checkout' }}>sign in</Link> to check out.
        </p>
      </Page>
    );
  }
  if (cart.lines.length === 0) {
    return (
      <Page title="Checkout">
        <p>
          Your cart is empty. <Link to={{ name: 'home' }}>Browse products</Link>
        </p>
      </Page>
    );
  }

  const destination = { country, postalCode: postalCode.trim(), city: city.trim() };
  const getQuote = async () => {
    setQuotes({ state: 'loading' });
    try {
      const answer = await post<unknown>('/shipping/quotes', { destination, weightGrams: parcelWeightGrams(cart), method });
      setQuotes({ state: 'ok', quotes: readQuotes(answer) });
    } catch (e) {
      setQuotes({ state: 'error', error: asApiError(e) });
    }
  };
  const placeOrder = async (event: FormEvent) => {
    event.preventDefault();
    setPlacing(true);
    setError(undefined);
    try {
      const body: Record<string, unknown> = { items: orderItems(cart), shipping: { ...destination, method } };
      if (cardToken.trim()) body['cardToken'] = cardToken.trim();
      const answer = await api<unknown>('POST', '/orders/orders', { body, headers: { 'idempotency-key': idempotencyKey.current } });
      const order = readOrder(answer);
      if (!order) throw new Error('unreadable order');
      saveCart(EMPTY_CART);
      navigate({ name: 'order', id: order.id });
    } catch (e) {
      setError(asApiError(e));
      setPlacing(false);
    }
  };
  const shown = quotes.state === 'ok' ? (quotes.quotes.find((q) => q.method === method) ?? quotes.quotes[0]) : undefined;

  return (
    <Page title="Checkout">
      <Subtotal />
      <form onSubmit={(e) => void placeOrder(e)} className="form" aria-busy={placing}>
        <fieldset>
          <legend>Shipping address</legend>
          <div className="field">
            <label htmlFor="country">Country</label>
            <select id="country" value={country} onChange={(e) => setCountry(e.target.value)}>
              {COUNTRIES.map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="postalCode">Postal code</label>
            <input id="postalCode" required minLength={2} maxLength={12} pattern="[A-Za-z0-9 \-]+" autoComplete="postal-code" value={postalCode} onChange={(e) => setPostalCode(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="city">City</label>
            <input id="city" required maxLength={100} autoComplete="address-level2" value={city} onChange={(e) => setCity(e.target.value)} />
          </div>
        </fieldset>
        <fieldset>
          <legend>Delivery</legend>
          {(['standard', 'express'] as const).map((m) => (
            <label key={m} className="radio">
              <input type="radio" name="method" value={m} checked={method === m} onChange={() => setMethod(m)} /> {m === 'standard' ? 'Standard' : 'Express'}
            </label>
          ))}
          <p>
            <button type="button" onClick={() => void getQuote()} disabled={destination.postalCode.length < 2 || !destination.city}>
              Show shipping cost
            </button>
          </p>
          <div aria-live="polite">
            {quotes.state === 'loading' && <p>Asking for a quote…</p>}
            {quotes.state === 'error' && <ProblemMessage error={quotes.error} />}
            {quotes.state === 'ok' && !shown && <p>No quote is available for this address.</p>}
            {shown && (
              <p data-testid="quote">
                Shipping ({shown.method}): <Price cents={shown.priceCents} currency={shown.currency} />
                {shown.estimatedDays && `, about ${shown.estimatedDays} days`}
                {shown.carrier && ` with ${shown.carrier}`}
              </p>
            )}
          </div>
        </fieldset>
        <fieldset>
          <legend>Payment</legend>
          <div className="field">
            <label htmlFor="cardToken">Card token (optional)</label>
            <input id="cardToken" maxLength={64} pattern="tok_[a-z0-9_]{1,60}" autoComplete="off" value={cardToken} onChange={(e) => setCardToken(e.target.value)} aria-describedby="cardToken-hint" />
            <small id="cardToken-hint" className="hint">
              The shop uses a simulated payment provider: a test token like tok_visa, or empty for the default card.
            </small>
          </div>
        </fieldset>
        {totals.subtotals.length > 1 && <p className="problem">Items in different currencies cannot be ordered together.</p>}
        {error && <ProblemMessage error={error} />}
        <button type="submit" disabled={placing || totals.subtotals.length > 1}>
          Place order
        </button>
      </form>
    </Page>
  );
}
