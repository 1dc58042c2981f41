// A burst of single-unit orders through the gateway with inventory killed (SIGKILL) part-way and
// started again a few seconds later — issue 12's reproduction, shared by the end-to-end test
// (test/e2e/pivot.int.test.ts, small) and the by-hand script (test/e2e/inventory-crash-burst.ts,
// 120 orders). Everything is read back through the shop's own APIs: order status and audit log
// from orders, stock from inventory, counters from the services' /metrics.
import { setTimeout as sleep } from 'node:timers/promises';
import { metricValue, type OrderView, type Shop } from './shop.ts';

export interface CrashBurstOptions {
  /** Orders placed, one unit each. */
  orders: number;
  /** Inventory is killed once this many orders were accepted. */
  killAfter: number;
  /** How long inventory stays down before it is started again (its consumer then rejoins the group). */
  downMs: number;
  /** Orders in flight at once while placing (default 5). */
  parallel?: number;
  /** How long all orders may take to reach a terminal state (default 10 minutes). */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface CrashBurstResult {
  accepted: number;
  confirmed: number;
  /** Cancelled orders by reason. */
  cancelled: Record<string, number>;
  /** Cancelled orders whose audit log shows the payment captured before the cancellation. */
  cancelledAfterCapture: number;
  /** On-hand units taken (before − after) and the units the confirmed orders account for. */
  stockDelta: number;
  confirmedUnits: number;
  reservedAfter: number;
  /** Orders' re-sent saga commands (shop_saga_step_resends_total), all steps. */
  resends: number;
  /** Payments captured and refunded during the burst (payments' counters). */
  captured: number;
  refunded: number;
  /** Placement of the first order to the last order terminal. */
  seconds: number;
}

interface LogEntry {
  kind: string;
  detail: Record<string, unknown>;
}

export async function inventoryCrashBurst(shop: Shop, options: CrashBurstOptions): Promise<CrashBurstResult> {
  const log = options.log ?? (() => undefined);
  const parallel = options.parallel ?? 5;
  const { token } = await shop.signUpAndLogin();
  const productId = await shop.createProduct({ priceCents: 1_000, stock: options.orders * 2 });
  const onHandBefore = (await shop.stock(productId)).onHand;
  const paymentsBefore = await shop.metrics('payments');
  const capturedBefore = metricValue(paymentsBefore, 'shop_payments_outcomes_total', { operation: 'capture', outcome: 'captured' });
  const refundedBefore = metricValue(paymentsBefore, 'shop_payments_outcomes_total', { operation: 'refund', outcome: 'refunded' });
  const resendsBefore = metricValue(await shop.metrics('orders'), 'shop_saga_step_resends_total');

  const started = Date.now();
  const ids: string[] = [];
  let restarted: Promise<unknown> | undefined;
  for (let next = 0; next < options.orders; ) {
    // Exactly `killAfter` accepted before the kill: the batch before it stops there.
    const untilKill = restarted ? Infinity : Math.max(1, options.killAfter - next);
    const batch = Math.min(parallel, options.orders - next, untilKill);
    ids.push(...(await Promise.all(Array.from({ length: batch }, () => shop.placeAcceptedOrder(token, { items: [{ productId, quantity: 1 }] })))));
    next += batch;
    if (!restarted && ids.length >= options.killAfter) {
      const inventory = shop.processes.get('inventory');
      if (!inventory) throw new Error('inventory is not running');
      inventory.child.kill('SIGKILL');
      await inventory.exited;
      log(`inventory killed (SIGKILL) after ${ids.length} accepted orders, ${((Date.now() - started) / 1000).toFixed(1)} s in`);
      // Started again after the outage, while orders keep coming in (a pod restart would).
      restarted = sleep(options.downMs).then(async () => {
        await shop.startService('inventory');
        log(`inventory ready again ${((Date.now() - started) / 1000).toFixed(1)} s in`);
      });
    }
  }
  log(`${ids.length} orders accepted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await restarted;

  const views: OrderView[] = await shop.waitForAllTerminal(token, ids, options.drainTimeoutMs ?? 600_000);
  const seconds = (Date.now() - started) / 1000;
  const cancelled: Record<string, number> = {};
  let cancelledAfterCapture = 0;
  for (const view of views) {
    if (view.status !== 'cancelled') continue;
    const reason = String(view.reason ?? 'unknown');
    cancelled[reason] = (cancelled[reason] ?? 0) + 1;
    const entries = ((await shop.orderEvents(token, view.id)) as { items: LogEntry[] }).items;
    if (entries.some((e) => e.kind === 'reply_received' && e.detail['type'] === 'shop.payments.payment.captured')) cancelledAfterCapture += 1;
  }
  const confirmed = views.filter((v) => v.status === 'confirmed').length;
  const after = await shop.stock(productId);
  const paymentsAfter = await shop.metrics('payments');
  return {
    accepted: ids.length,
    confirmed,
    cancelled,
    cancelledAfterCapture,
    stockDelta: onHandBefore - after.onHand,
    confirmedUnits: confirmed,
    reservedAfter: after.reserved,
    resends: metricValue(await shop.metrics('orders'), 'shop_saga_step_resends_total') - resendsBefore,
    captured: metricValue(paymentsAfter, 'shop_payments_outcomes_total', { operation: 'capture', outcome: 'captured' }) - capturedBefore,
    refunded: metricValue(paymentsAfter, 'shop_payments_outcomes_total', { operation: 'refund', outcome: 'refunded' }) - refundedBefore,
    seconds,
  };
}

/** One line for people: what the burst did. */
export function describeBurst(result: CrashBurstResult): string {
  const cancelled = Object.entries(result.cancelled).map(([reason, n]) => `${reason}:${n}`).join(',') || 'none';
  return (
    `accepted=${result.accepted} confirmed=${result.confirmed} cancelled=${cancelled} cancelled_after_capture=${result.cancelledAfterCapture} ` +
    `stock_delta=${result.stockDelta} confirmed_units=${result.confirmedUnits} reserved_after=${result.reservedAfter} ` +
    `resends=${result.resends} captured=${result.captured} refunded=${result.refunded} seconds=${result.seconds.toFixed(1)}`
  );
}
