// Live order status (polled until confirmed or cancelled, with the reason) and order history.
import { useEffect, useState } from 'react';
import { get } from '../api.ts';
import { asApiError, Loading, Page, Price, ProblemMessage, useLoad } from '../components.tsx';
import { formatCents } from '../lib/money.ts';
import { isTerminal, readOrder, readOrderPage, reasonText, type OrderView } from '../lib/orders.ts';
import type { ApiError } from '../lib/problem.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.ts';
import type { Product } from '../types.ts';
import { track } from '../tracking.ts';

/** An order line names its product by id: its name comes from the catalog (cached by the browser). */
function ProductName({ id }: { id: string }) {
  const [product] = useLoad((signal) => get<Product>(`/catalog/products/${encodeURIComponent(id)}`, signal), [id]);
  return <>{product.state === 'ok' ? product.data.name : 'product'}</>;
}

/** Poll every second at first, then every five (a saga normally ends within seconds). */
const pollDelay = (attempt: number) => (attempt < 60 ? 1_000 : 5_000);

function SignInFirst({ next }: { next: string }) {
  return (
    <p>
      Please <Link to={{ name: 'login', next }}>sign in</Link> to see your orders.
    </p>
  );
}

export function OrderPage({ id }: { id: string }) {
  const session = useSession();
  const [order, setOrder] = useState<OrderView | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  useEffect(() => {
    if (!session) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const abort = new AbortController();
    // A purchase is counted when this page sees the order become confirmed (not on revisits).
    let sawPending = false;
    const poll = async (attempt: number) => {
      try {
        const view = readOrder(await get<unknown>(`/orders/orders/${encodeURIComponent(id)}`, abort.signal));
        if (stopped) return;
        setError(undefined);
        if (view) setOrder(view);
        if (view && isTerminal(view.status)) {
          if (sawPending && view.status === 'confirmed') track('purchase_completed');
          return;
        }
        if (view) sawPending = true;
      } catch (e) {
        if (stopped) return;
        const problem = asApiError(e);
        setError(problem);
        // Not found, forbidden or signed out: polling will not change that.
        if (problem.status >= 400 && problem.status < 500 && problem.status !== 429) return;
      }
      timer = setTimeout(() => void poll(attempt + 1), pollDelay(attempt));
    };
    void poll(0);
    return () => {
      stopped = true;
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [id, session]);

  if (!session) return <Page title="Order">{<SignInFirst next={`/orders/${id}`} />}</Page>;
  return (
    <Page title="Your order">
      {error && <ProblemMessage error={error} />}
      {!order && !error && <Loading what="your order" />}
      {order && (
        <div className="order">
          <p>
            Order <code>{order.id}</code>
          </p>
          <p aria-live="polite" className={`status status-${order.status}`} data-testid="order-status">
            {order.status === 'confirmed'
              ? 'Confirmed: thank you! Your order is on its way.'
              : order.status === 'cancelled'
                ? `Cancelled: ${reasonText(order.reason)}`
                : order.status === 'cancelling'
                  ? 'Cancelling: undoing the steps already taken…'
                  : `Processing${order.step ? ` (${order.step.replaceAll('_', ' ')})` : ''}…`}
          </p>
          {order.lines.length > 0 && (
            <ul>
              {order.lines.map((l) => (
                <li key={l.productId}>
                  <Link to={{ name: 'product', id: l.productId }}>
                    {l.quantity} × <ProductName id={l.productId} />
                  </Link>
                  {l.unitPriceCents !== undefined && (
                    <>
                      {' '}at <Price cents={l.unitPriceCents} currency={order.currency} />
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          {order.totalCents !== undefined && (
            <p>
              Total: <Price cents={order.totalCents} currency={order.currency} />
            </p>
          )}
        </div>
      )}
      <p>
        <Link to={{ name: 'orders' }}>All your orders</Link>
      </p>
    </Page>
  );
}

export function OrdersPage() {
  const session = useSession();
  const [cursor, setCursor] = useState<string | undefined>();
  const [orders, setOrders] = useState<OrderView[]>([]);
  const [page, retry] = useLoad(
    async (signal) => {
      if (!session) return { orders: [], nextCursor: undefined };
      return readOrderPage(await get<unknown>(`/orders/orders${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, signal));
    },
    [session?.token, cursor],
  );
  useEffect(() => {
    if (page.state === 'ok') setOrders((previous) => (cursor ? [...previous, ...page.data.orders] : page.data.orders));
  }, [page, cursor]);
  if (!session) return <Page title="Your orders">{<SignInFirst next="/orders" />}</Page>;
  return (
    <Page title="Your orders">
      {orders.length > 0 && (
        <table className="orders">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id}>
                <td>
                  <Link to={{ name: 'order', id: o.id }}>{o.id.slice(0, 8)}</Link>
                </td>
                <td>{o.createdAt ? new Date(o.createdAt).toLocaleString() : ''}</td>
                <td>{o.status === 'cancelled' ? `cancelled: ${reasonText(o.reason)}` : o.status}</td>
                <td>{o.totalCents !== undefined ? formatCents(o.totalCents, o.currency) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.state === 'loading' && <Loading what="your orders" />}
      {page.state === 'error' && <ProblemMessage error={page.error} onRetry={retry} />}
      {page.state === 'ok' && orders.length === 0 && <p>You have not ordered anything yet.</p>}
      {page.state === 'ok' && page.data.nextCursor && (
        <button type="button" onClick={() => setCursor(page.data.nextCursor)}>
          Show older orders
        </button>
      )}
    </Page>
  );
}
