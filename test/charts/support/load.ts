// A small load driver for chart tests: orders placed through the gateway Service (kubectl
// port-forward) at a steady rate, each under its own Idempotency-Key and sent again with the same
// key until it is accepted, then followed to a terminal state through the customer's order list.
// The port-forward is reopened when it breaks: it follows one gateway pod, which an upgrade replaces.
import { api, kube, waitFor } from '@shopwatch/testkit';
import { portForward, type PortForward } from './port-forward.ts';

/** A port-forward that is opened again when a request through it fails in transport. */
export interface Forward {
  url(): string;
  /** Opens a new port-forward unless one was opened since `seenUrl` failed. */
  reopen(seenUrl: string): Promise<void>;
  reopens(): number;
  close(): Promise<void>;
}

export async function resilientForward(namespace: string, service: string, port: number): Promise<Forward> {
  let current: PortForward = await portForward(namespace, service, port);
  let reopening: Promise<void> | undefined;
  let count = 0;
  return {
    url: () => current.url,
    reopens: () => count,
    reopen(seenUrl) {
      if (seenUrl !== current.url) return Promise.resolve();
      reopening ??= (async () => {
        try {
          await current.close();
          // The Service may have no ready gateway pod for a moment in a rollout: keep trying.
          current = await waitFor(`a port-forward to ${service}`, () => portForward(namespace, service, port), { timeoutMs: 120_000, intervalMs: 1_000 });
          count++;
        } finally {
          reopening = undefined;
        }
      })();
      return reopening;
    },
    close: () => current.close(),
  };
}

export interface Customer {
  headers: Record<string, string>;
  productId: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** One call through the forward, retried (transport errors and the statuses not expected) for up to a minute. */
async function call(forward: Forward, description: string, path: string, init: RequestInit, expected: number[]): Promise<unknown> {
  return waitFor(
    description,
    async () => {
      const url = forward.url();
      let response: Response;
      try {
        response = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
      } catch (error) {
        await forward.reopen(url);
        throw error;
      }
      if (!expected.includes(response.status)) throw new Error(`${response.status} ${await response.text()}`);
      return await response.json();
    },
    { timeoutMs: 60_000, intervalMs: 1_000 },
  );
}

/**
 * A customer of its own (so its order list holds only this test's orders) and a product the
 * shop's admin stocked with `stock` units: the load depends on no demo stock.
 */
export async function prepareCustomer(forward: Forward, namespace: string, adminSecret: string, stock: number): Promise<Customer> {
  const products = ((await call(forward, 'the demo catalogue', '/api/catalog/products?limit=1', {}, [200])) as { items: { id: string }[] }).items;
  const productId = products[0]?.id;
  if (!productId) throw new Error('the catalogue has no product');
  const secret = await api(kube().core.readNamespacedSecret({ namespace, name: adminSecret }));
  const adminPassword = Buffer.from(secret.data?.['admin-password'] ?? '', 'base64').toString();
  const admin = (await call(forward, 'admin login', '/api/users/login', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ email: 'admin@shopwatch.local', password: adminPassword }) }, [200])) as {
    accessToken: string;
  };
  await call(
    forward,
    'stock for the product',
    `/api/inventory/stock/${productId}`,
    { method: 'PUT', headers: { ...JSON_HEADERS, authorization: `Bearer ${admin.accessToken}` }, body: JSON.stringify({ onHand: stock }) },
    [200],
  );
  const credentials = { email: `load-${Date.now()}@example.com`, password: 'load driver password 1' };
  // 409 after a retry: the first attempt made the account but its answer was lost.
  await call(forward, 'sign-up', '/api/users/signup', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ ...credentials, displayName: 'Load Driver' }) }, [201, 409]);
  const { accessToken } = (await call(forward, 'login', '/api/users/login', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(credentials) }, [200])) as { accessToken: string };
  return { headers: { ...JSON_HEADERS, authorization: `Bearer ${accessToken}` }, productId };
}

export interface LoadOptions {
  /** Orders per second. */
  rate: number;
  /** Keep placing orders until `until()` is true and at least `min` were placed; never more than `max`. */
  min: number;
  max: number;
  until: () => boolean;
  keyPrefix: string;
  /** How long one order may take to be accepted (all its attempts). */
  acceptWithinMs?: number;
}

export interface LoadResult {
  /** Idempotency-Key → order id, for every accepted order. */
  accepted: Map<string, string>;
  /** Keys never accepted within their time, with the last answer. */
  notAccepted: Map<string, string>;
  /** Attempts that were not accepted, by kind: `transport` (port-forward), or the HTTP status. */
  failedRequests: Record<string, number>;
  placed: number;
  seconds: number;
}

export async function placeOrders(forward: Forward, customer: Customer, options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { accepted: new Map(), notAccepted: new Map(), failedRequests: {}, placed: 0, seconds: 0 };
  const fail = (kind: string) => {
    result.failedRequests[kind] = (result.failedRequests[kind] ?? 0) + 1;
  };
  const body = JSON.stringify({
    items: [{ productId: customer.productId, quantity: 1 }],
    shipping: { country: 'DE', postalCode: '10115', city: 'Berlin', method: 'standard' },
  });
  const acceptWithin = options.acceptWithinMs ?? 120_000;

  const placeOne = async (key: string): Promise<void> => {
    const deadline = Date.now() + acceptWithin;
    let last = '';
    while (Date.now() < deadline) {
      const url = forward.url();
      try {
        const response = await fetch(`${url}/api/orders/orders`, {
          method: 'POST',
          headers: { ...customer.headers, 'idempotency-key': key },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        const text = await response.text();
        if (response.status === 202 || response.status === 200 || response.status === 201) {
          result.accepted.set(key, (JSON.parse(text) as { id: string }).id);
          return;
        }
        fail(String(response.status));
        last = `${response.status} ${text.slice(0, 300)}`;
        // A client error is an answer: the same request would get it again.
        if (response.status >= 400 && response.status < 500 && response.status !== 429) break;
      } catch (error) {
        fail('transport');
        last = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        await forward.reopen(url);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    result.notAccepted.set(key, last);
  };

  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  while (result.placed < options.max && (result.placed < options.min || !options.until())) {
    // Started on a fixed schedule, not one after another: a slow answer does not slow the rate.
    const due = started + (result.placed * 1000) / options.rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    inFlight.push(placeOne(`${options.keyPrefix}-${result.placed}`));
    result.placed++;
  }
  await Promise.all(inFlight);
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

export interface OrderOutcome {
  status: string;
  reason: string | null;
}

/** Every order of the customer (newest first, all pages). */
async function listOrders(forward: Forward, customer: Customer): Promise<Map<string, OrderOutcome>> {
  const all = new Map<string, OrderOutcome>();
  let cursor: string | null = null;
  do {
    const query: string = `limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await call(forward, 'the order list', `/api/orders/orders?${query}`, { headers: customer.headers }, [200])) as {
      items: { id: string; status: string; reason: string | null }[];
      nextCursor: string | null;
    };
    for (const order of page.items) all.set(order.id, { status: order.status, reason: order.reason });
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

const TERMINAL = new Set(['confirmed', 'cancelled']);

/**
 * Waits until every accepted order is terminal; returns every order the customer has (an order
 * placed twice under one key, or one lost, shows in the comparison with `accepted`).
 */
export async function settle(forward: Forward, customer: Customer, orderIds: readonly string[], timeoutMs: number): Promise<Map<string, OrderOutcome>> {
  let latest = new Map<string, OrderOutcome>();
  try {
    await waitFor(
      `${orderIds.length} orders to reach a terminal state`,
      async () => {
        latest = await listOrders(forward, customer);
        const open = orderIds.filter((id) => !TERMINAL.has(latest.get(id)?.status ?? ''));
        if (open.length === 0) return true;
        throw new Error(`${open.length} not terminal yet: ${open.slice(0, 5).map((id) => `${id} ${latest.get(id)?.status ?? 'missing'}`).join(', ')}`);
      },
      { timeoutMs, intervalMs: 3_000 },
    );
  } catch {
    // The caller's assertions name what did not settle.
  }
  return latest;
}

/** One line: accepted, confirmed, cancelled by reason, failed requests, not accepted. */
export function summarize(load: LoadResult, outcomes: Map<string, OrderOutcome>): string {
  const ids = [...load.accepted.values()];
  const confirmed = ids.filter((id) => outcomes.get(id)?.status === 'confirmed').length;
  const cancelled: Record<string, number> = {};
  for (const id of ids) {
    const outcome = outcomes.get(id);
    if (outcome?.status === 'cancelled') cancelled[outcome.reason ?? 'none'] = (cancelled[outcome.reason ?? 'none'] ?? 0) + 1;
  }
  const open = ids.filter((id) => !TERMINAL.has(outcomes.get(id)?.status ?? '')).length;
  return (
    `placed ${load.placed} in ${load.seconds.toFixed(0)} s, accepted ${load.accepted.size}, confirmed ${confirmed}, ` +
    `cancelled ${JSON.stringify(cancelled)}, not terminal ${open}, not accepted ${load.notAccepted.size}, failed requests ${JSON.stringify(load.failedRequests)}`
  );
}
