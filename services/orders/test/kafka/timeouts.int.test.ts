// Step timeouts over real Kafka and PostgreSQL: the sweeper fails an unanswered step with
// `step_timeout` and compensates; a reply arriving after the timeout changes nothing; an
// unanswered compensation is re-sent under a new command id and, after the last attempt, the
// order still ends. Only tests that never answer before a deadline live here (short timeouts).
import { waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replies, startOrders, type OrdersFixture } from '../support/orders-fixture.ts';
import { getOrder, orderLog, orderReaches, placeOrder } from '../support/helpers.ts';

let f: OrdersFixture;
beforeAll(async () => {
  f = await startOrders({ stepTimeoutMs: 2_000, sweepIntervalMs: 100, maxCompensationAttempts: 3 });
});
afterAll(async () => {
  await f?.close();
});

describe('step timeouts', () => {
  it('an unanswered reserve times out: release sent with step_timeout; a late reserved reply changes nothing', async () => {
    const timeoutsBefore = await f.metric('shop_saga_step_timeouts_total', { step: 'reserve_stock' });
    const order = await placeOrder(f);
    const reserve = await f.command(order.id, 'shop.inventory.stock.reserve');
    const release = await f.command(order.id, 'shop.inventory.stock.release');
    expect(release.data).toEqual({ orderId: order.id, reason: 'step_timeout' });
    // Cancelling while the release is awaited (cancelled already if a loaded machine let every re-send time out).
    const cancelling = await getOrder(f, order.id);
    expect(['cancelling', 'cancelled']).toContain(cancelling.status);
    expect(cancelling).toMatchObject({ reason: 'step_timeout', failedStep: 'reserve_stock' });
    expect(await f.metric('shop_saga_step_timeouts_total', { step: 'reserve_stock' })).toBe(timeoutsBefore + 1);

    // The participant was only slow: its success arrives after the timeout and is ignored.
    await f.send([replies.reserved(reserve)]);
    await waitFor('late reply logged as stale', async () => (await orderLog(f, order.id)).some((e) => e.kind === 'stale_reply'));
    expect(['cancelling', 'cancelled']).toContain((await getOrder(f, order.id)).status);
    expect(f.commands(order.id).some((c) => c.type === 'shop.payments.payment.authorize')).toBe(false);

    await f.send([replies.released(release)]);
    const cancelled = await orderReaches(f, order.id, 'cancelled');
    expect(cancelled).toMatchObject({ reason: 'step_timeout', failedStep: 'reserve_stock' });
    const fact = await waitFor('cancelled fact', () => f.facts(order.id).find((e) => e.type === 'shop.orders.order.cancelled'));
    expect(fact.data).toMatchObject({ reason: 'step_timeout', failedStep: 'reserve_stock' });
    const kinds = (await orderLog(f, order.id)).map((e) => e.kind);
    expect(kinds.slice(0, 5)).toEqual(['placed', 'command_sent', 'step_timed_out', 'compensation_started', 'command_sent']);
    expect(kinds).toContain('stale_reply');
    expect(kinds.at(-1)).toBe('cancelled');
    expect(await f.metric('shop_orders_completed_total', { outcome: 'cancelled', reason: 'step_timeout' })).toBeGreaterThanOrEqual(1);
  });

  it('an unanswered compensation is re-sent under a new command id; after the last attempt the order still ends', async () => {
    const order = await placeOrder(f);
    const first = await f.command(order.id, 'shop.inventory.stock.release', 1);
    const second = await f.command(order.id, 'shop.inventory.stock.release', 2);
    expect(second.id).not.toBe(first.id);
    expect(second.data).toEqual(first.data);
    const cancelled = await orderReaches(f, order.id, 'cancelled');
    expect(cancelled.reason).toBe('step_timeout');
    const kinds = (await orderLog(f, order.id)).map((e) => e.kind);
    expect(kinds).toContain('compensation_unconfirmed');
    await f.command(order.id, 'shop.inventory.stock.release', 3);
    expect(f.commands(order.id).filter((c) => c.type === 'shop.inventory.stock.release')).toHaveLength(3);

    // The first release's reply arriving now is stale too: the order stays cancelled, nothing sent.
    const sent = f.commands(order.id).length;
    await f.send([replies.released(first)]);
    await waitFor('stale release reply logged', async () => (await orderLog(f, order.id)).filter((e) => e.kind === 'stale_reply').length === 1);
    expect((await getOrder(f, order.id)).status).toBe('cancelled');
    expect(f.commands(order.id)).toHaveLength(sent);
  });
});
