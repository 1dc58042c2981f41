// Issue 12's bug, end to end: inventory killed with SIGKILL in the middle of a burst of orders
// through the gateway and started again a few seconds later. Its consumer group needs a session
// timeout to let the dead member go, so inventory is unreachable for well over the step timeout:
// the orchestrator re-sends (pivot rule) and every order is confirmed — none cancelled, none
// cancelled after its capture — and on-hand stock moved by exactly the confirmed units.
// Bounded: 30 orders; the step budget (3 min) is far above any outage here, so a slow machine
// delays orders but cannot cancel them. And the one real failure after the pivot: a commit
// refused because an operator released the reservation meanwhile — the captured payment is
// refunded (orders → payments → psp), not left for a refund by hand.
import { waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBurst, inventoryCrashBurst } from './support/crash-burst.ts';
import { metricValue, Shop } from './support/shop.ts';

let shop: Shop;

beforeAll(async () => {
  shop = await Shop.start({
    label: 'pivot',
    env: {
      // Short enough that the outage spans several re-sends; the budget is what protects orders.
      orders: { SAGA_STEP_TIMEOUT_MS: '5000', SAGA_STEP_BUDGET_MS: '180000' },
    },
  });
}, 240_000);

afterAll(async () => {
  await shop?.stop();
}, 120_000);

describe('inventory killed mid-burst', { timeout: 600_000 }, () => {
  it('every order is confirmed, none cancelled, stock moved by exactly the confirmed units', async () => {
    const result = await inventoryCrashBurst(shop, { orders: 30, killAfter: 10, downMs: 3_000, drainTimeoutMs: 480_000 });
    const summary = describeBurst(result);
    expect(result.accepted, summary).toBe(30);
    expect(result.cancelled, summary).toEqual({});
    expect(result.cancelledAfterCapture, summary).toBe(0);
    expect(result.confirmed, summary).toBe(30);
    expect(result.stockDelta, summary).toBe(result.confirmedUnits);
    expect(result.reservedAfter, summary).toBe(0);
    expect(result.captured, summary).toBe(30);
    expect(result.refunded, summary).toBe(0);
    // The outage really hit saga steps: commands to inventory were re-sent, not given up on.
    expect(result.resends, summary).toBeGreaterThan(0);
  });
});

describe('a real failure after the capture', { timeout: 600_000 }, () => {
  it('a commit refused (the reservation was released by an operator) is compensated with a refund through payments and psp', async () => {
    const { token } = await shop.signUpAndLogin();
    const productId = await shop.createProduct({ priceCents: 4_200, stock: 5 });
    const ordersBefore = await shop.metrics('orders');
    const paymentsBefore = await shop.metrics('payments');
    // Shipping slow enough that the order waits at create_shipment while the operator acts.
    await shop.setFaults('shipping', { shipping: { processingDelayMs: 15_000 } });
    let orderId: string;
    try {
      orderId = await shop.placeAcceptedOrder(token, { items: [{ productId, quantity: 2 }] });
      await waitFor('order awaiting its shipment', async () => (await shop.order(token, orderId)).step === 'create_shipment', { timeoutMs: 60_000, intervalMs: 250 });
      const released = await shop.request<{ outcome: string }>('POST', `/api/inventory/reservations/${orderId}/release`, { token: await shop.adminToken(), body: { reason: 'stock_take' } });
      expect(released.status, JSON.stringify(released.body)).toBe(200);
      expect(released.body.outcome).toBe('released');
    } finally {
      await shop.setFaults('shipping', {});
    }
    const done = await shop.waitForTerminal(token, orderId, 240_000);
    expect(done).toMatchObject({ status: 'cancelled', reason: 'reservation_released', failedStep: 'commit_stock', refundRequired: false });
    const log = (await shop.orderEvents(token, orderId)) as { items: { kind: string; step: string | null }[] };
    const kinds = log.items.map((e) => e.kind);
    expect(kinds).toContain('refunded');
    expect(kinds).not.toContain('refund_required');
    expect(log.items.some((e) => e.kind === 'command_sent' && e.step === 'void_payment')).toBe(false);

    const ordersAfter = await shop.metrics('orders');
    const paymentsAfter = await shop.metrics('payments');
    expect(metricValue(ordersAfter, 'shop_orders_refunded_total') - metricValue(ordersBefore, 'shop_orders_refunded_total')).toBe(1);
    expect(metricValue(ordersAfter, 'shop_order_refund_required_total') - metricValue(ordersBefore, 'shop_order_refund_required_total')).toBe(0);
    const refunded = (text: string) => metricValue(text, 'shop_payments_outcomes_total', { operation: 'refund', outcome: 'refunded' });
    expect(refunded(paymentsAfter) - refunded(paymentsBefore)).toBe(1);
    const refundedCents = (text: string) => metricValue(text, 'shop_payments_amount_cents_total', { currency: 'EUR', outcome: 'refunded' });
    expect(refundedCents(paymentsAfter) - refundedCents(paymentsBefore)).toBe(8_400);
    // Nothing left the shelf and nothing stays held.
    await waitFor('stock back to 5 on hand, none reserved', async () => {
      const stock = await shop.stock(productId);
      return stock.onHand === 5 && stock.reserved === 0;
    }, { timeoutMs: 30_000, intervalMs: 250 });
  });
});

