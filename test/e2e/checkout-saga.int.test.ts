// The checkout saga across the real processes: shoppers order through the gateway, orders
// orchestrates inventory, payments (→ psp) and shipping over Kafka, and every order ends confirmed
// or cancelled with its compensations run. Faults are what an operator would do: the faults files,
// a card the psp declines, psp stopped and started again. One shop for the whole file (tests run in
// order); each test uses its own products, so stock assertions never see another test's orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@shopwatch/testkit';
import { metricValue, Shop, type OrderView } from './support/shop.ts';

/** Orders' step timeout for every test but the one about step timeouts: a busy machine is not a failure. */
const RELAXED_STEP_TIMEOUT_MS = 45_000;
/** Orders' budget for re-sending a step before the capture (its default). */
const RELAXED_STEP_BUDGET_MS = 120_000;
/** The step-timeout test restarts orders with this one (as timeout and budget). */
const STEP_TIMEOUT_MS = 5_000;

let shop: Shop;
let token: string;

beforeAll(async () => {
  shop = await Shop.start({
    label: 'saga',
    env: {
      orders: { SAGA_STEP_TIMEOUT_MS: String(RELAXED_STEP_TIMEOUT_MS) },
      // Long enough that an order placed right after the breaker opened still finds it open.
      payments: { BREAKER_RESET_TIMEOUT_MS: '15000' },
    },
  });
  token = (await shop.signUpAndLogin()).token;
}, 240_000);

afterAll(async () => {
  await shop?.stop();
}, 120_000);

/** Stock settles after the order does (the release/commit reply is what ends the saga, but poll anyway). */
async function expectStock(productId: string, expected: { onHand: number; reserved: number }): Promise<void> {
  await waitFor(
    `stock of ${productId} = ${JSON.stringify(expected)}`,
    async () => {
      const stock = await shop.stock(productId);
      return stock.onHand === expected.onHand && stock.reserved === expected.reserved;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

async function order(items: { productId: string; quantity: number }[], cardToken?: string): Promise<OrderView> {
  const id = await shop.placeAcceptedOrder(token, { items, ...(cardToken ? { cardToken } : {}) });
  return shop.waitForTerminal(token, id, 90_000);
}

// Generous per-test limits: several steps wait for Kafka round trips on a busy two-core machine.
describe('checkout saga', { timeout: 300_000 }, () => {
  it('confirms an order: stock committed, payment captured, shipment created', async () => {
    const productId = await shop.createProduct({ priceCents: 2_500, stock: 5 });
    const capturedBefore = metricValue(await shop.metrics('payments'), 'shop_payments_outcomes_total', { operation: 'capture', outcome: 'captured' });
    const placed = await shop.placeOrder(token, { items: [{ productId, quantity: 2 }] });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    expect(placed.body.status).toBe('pending');
    const done = await shop.waitForTerminal(token, placed.body.id, 90_000);
    expect(done, JSON.stringify(done)).toMatchObject({ id: placed.body.id, status: 'confirmed' });
    await expectStock(productId, { onHand: 3, reserved: 0 });
    const captured = metricValue(await shop.metrics('payments'), 'shop_payments_outcomes_total', { operation: 'capture', outcome: 'captured' });
    expect(captured - capturedBefore).toBe(1);
    // The participants' own records, read through the gateway like any client would.
    const payment = await shop.request<{ status: string; amountCents: number; orderId: string }>('GET', `/api/payments/payments/${String(done.paymentId)}`, { token });
    expect(payment.status, JSON.stringify(payment.body)).toBe(200);
    expect(payment.body).toMatchObject({ status: 'captured', amountCents: 5_000, orderId: done.id });
    const shipment = await shop.request<{ orderId: string }>('GET', `/api/shipping/shipments/${String(done.shipmentId)}`, { token });
    expect(shipment.status, JSON.stringify(shipment.body)).toBe(200);
    expect(shipment.body).toMatchObject({ orderId: done.id });
    const history = JSON.stringify(await shop.orderEvents(token, done.id));
    for (const step of ['reserve_stock', 'authorize_payment', 'create_shipment', 'capture_payment', 'commit_stock']) expect(history).toContain(step);
  });

  it('cancels an order for more than is in stock, at the reservation, taking nothing', async () => {
    const productId = await shop.createProduct({ stock: 1 });
    const done = await order([{ productId, quantity: 2 }]);
    expect(done).toMatchObject({ status: 'cancelled', reason: 'out_of_stock', failedStep: 'reserve_stock' });
    await expectStock(productId, { onHand: 1, reserved: 0 });
  });

  it('cancels an order whose card the psp declines and releases its stock', async () => {
    const productId = await shop.createProduct({ stock: 4 });
    const done = await order([{ productId, quantity: 3 }], 'tok_decline');
    expect(done).toMatchObject({ status: 'cancelled', reason: 'declined', failedStep: 'authorize_payment' });
    await expectStock(productId, { onHand: 4, reserved: 0 });
  });

  it('50 parallel orders for 10 units: exactly 10 confirmed, 40 cancelled out of stock, nothing left reserved', async () => {
    const productId = await shop.createProduct({ stock: 10 });
    // Stock is sampled all along: never negative, never more reserved than on hand.
    const samples: { onHand: number; reserved: number; available: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push(await shop.stock(productId));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let results: OrderView[];
    try {
      const ids = await Promise.all(Array.from({ length: 50 }, () => shop.placeAcceptedOrder(token, { items: [{ productId, quantity: 1 }] })));
      expect(new Set(ids).size).toBe(50);
      results = await shop.waitForAllTerminal(token, ids);
    } finally {
      sampling = false;
      await sampler;
    }
    const confirmed = results.filter((o) => o.status === 'confirmed');
    const cancelled = results.filter((o) => o.status === 'cancelled');
    const outcomes = JSON.stringify(Object.groupBy(results, (o) => `${o.status}:${o.reason ?? ''}:${o.failedStep ?? ''}`), (k, v: unknown) => (Array.isArray(v) ? v.length : v));
    expect(confirmed, outcomes).toHaveLength(10);
    expect(cancelled, outcomes).toHaveLength(40);
    for (const o of cancelled) expect(o).toMatchObject({ reason: 'out_of_stock', failedStep: 'reserve_stock' });
    await expectStock(productId, { onHand: 0, reserved: 0 });
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      expect(s.available).toBeGreaterThanOrEqual(0);
      expect(s.reserved).toBeGreaterThanOrEqual(0);
      expect(s.reserved).toBeLessThanOrEqual(s.onHand);
    }
    // Every reservation of the shop is settled: committed or released, none left open.
    await waitFor('no open reservations', async () => metricValue(await shop.metrics('inventory'), 'shop_inventory_reservations_open') === 0, {
      timeoutMs: 30_000,
      intervalMs: 500,
    });
  });

  it('cancels an order when shipping cannot create the shipment: payment voided, stock released', async () => {
    const productId = await shop.createProduct({ stock: 3 });
    const voidedBefore = metricValue(await shop.metrics('payments'), 'shop_payments_outcomes_total', { operation: 'void', outcome: 'voided' });
    await shop.setFaults('shipping', { shipping: { failureRate: 1 } });
    let done: OrderView;
    try {
      done = await order([{ productId, quantity: 1 }]);
    } finally {
      await shop.setFaults('shipping', {});
    }
    expect(done).toMatchObject({ status: 'cancelled', reason: 'carrier_unavailable', failedStep: 'create_shipment' });
    await expectStock(productId, { onHand: 3, reserved: 0 });
    const voided = metricValue(await shop.metrics('payments'), 'shop_payments_outcomes_total', { operation: 'void', outcome: 'voided' });
    expect(voided - voidedBefore).toBe(1);
  });

  it('cancels an order with step_timeout when inventory answers too late, and still releases what it reserved', async () => {
    const productId = await shop.createProduct({ stock: 6 });
    // Budget = timeout: the reserve is not re-sent (the pivot rule's re-sends are test/e2e/pivot's).
    await shop.restartService('orders', { SAGA_STEP_TIMEOUT_MS: String(STEP_TIMEOUT_MS), SAGA_STEP_BUDGET_MS: String(STEP_TIMEOUT_MS) });
    await shop.setFaults('inventory', { inventory: { consumerDelayMs: STEP_TIMEOUT_MS + 4_000 } });
    let id: string;
    try {
      id = await shop.placeAcceptedOrder(token, { items: [{ productId, quantity: 2 }] });
      // The step has timed out once orders says so in the order's audit log.
      await waitFor('reserve step timed out', async () => JSON.stringify(await shop.orderEvents(token, id)).includes('timed_out'), {
        timeoutMs: 60_000,
        intervalMs: 500,
      });
    } finally {
      await shop.setFaults('inventory', {});
    }
    const done = await shop.waitForTerminal(token, id, 120_000);
    expect(done).toMatchObject({ status: 'cancelled', reason: 'step_timeout', failedStep: 'reserve_stock' });
    // The late reservation is released by the compensation: nothing stays held.
    await expectStock(productId, { onHand: 6, reserved: 0 });
    await shop.restartService('orders', { SAGA_STEP_TIMEOUT_MS: String(RELAXED_STEP_TIMEOUT_MS), SAGA_STEP_BUDGET_MS: String(RELAXED_STEP_BUDGET_MS) });
  });

  it('psp down for a few seconds (a restart): the order waits for it and is confirmed, nothing cancelled', async () => {
    const productId = await shop.createProduct({ stock: 5 });
    await shop.stopService('psp');
    let id: string;
    try {
      id = await shop.placeAcceptedOrder(token, { items: [{ productId, quantity: 1 }] });
      // payments holds the authorise while psp is away (well inside its 60 s outage grace).
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect((await shop.order(token, id)).status).not.toBe('cancelled');
    } finally {
      await shop.startService('psp');
    }
    expect(await shop.waitForTerminal(token, id, 90_000)).toMatchObject({ status: 'confirmed' });
    await expectStock(productId, { onHand: 4, reserved: 0 });
  });

  it('psp unreachable past the outage grace: the breaker opens, orders fail fast with psp_unavailable; psp back: half-open, closed, confirmed', async () => {
    const productId = await shop.createProduct({ stock: 50 });
    const paymentsMetric = async (name: string, labels: Record<string, string> = {}) => metricValue(await shop.metrics('payments'), name, labels);
    const cancelled: OrderView[] = [];
    // No grace: every authorise that cannot reach psp is answered at once, as after a long outage.
    await shop.restartService('payments', { PSP_OUTAGE_GRACE_MS: '0' });
    await shop.stopService('psp');
    try {
      await waitFor(
        'breaker open after failed orders',
        async () => {
          cancelled.push(await order([{ productId, quantity: 1 }]));
          return (await paymentsMetric('shop_payments_circuit_state', { dependency: 'psp' })) === 2;
        },
        { timeoutMs: 180_000, intervalMs: 0 },
      );
      const shortCircuitedBefore = await paymentsMetric('shop_payments_psp_calls_total', { operation: 'authorize', outcome: 'short_circuited' });
      cancelled.push(await order([{ productId, quantity: 1 }]));
      // Refused by the open breaker without a request: that is failing fast.
      expect(await paymentsMetric('shop_payments_psp_calls_total', { operation: 'authorize', outcome: 'short_circuited' })).toBeGreaterThan(shortCircuitedBefore);
    } finally {
      await shop.startService('psp');
    }
    for (const o of cancelled) expect(o).toMatchObject({ status: 'cancelled', reason: 'psp_unavailable', failedStep: 'authorize_payment' });
    await expectStock(productId, { onHand: 50, reserved: 0 });

    // After the reset timeout the next call is the half-open trial; psp answers, the breaker closes.
    const confirmed = await waitFor(
      'an order confirmed again',
      async () => {
        const done = await order([{ productId, quantity: 1 }]);
        return done.status === 'confirmed' ? done : false;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    expect(confirmed.status).toBe('confirmed');
    expect(await paymentsMetric('shop_payments_circuit_transitions_total', { dependency: 'psp', to: 'half_open' })).toBeGreaterThanOrEqual(1);
    expect(await paymentsMetric('shop_payments_circuit_transitions_total', { dependency: 'psp', to: 'closed' })).toBeGreaterThanOrEqual(1);
    expect(await paymentsMetric('shop_payments_circuit_state', { dependency: 'psp' })).toBe(0);
    await shop.restartService('payments', { PSP_OUTAGE_GRACE_MS: '60000' });
  });
});
