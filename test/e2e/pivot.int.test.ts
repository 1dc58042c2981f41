// Issue 12's bug, end to end: inventory killed with SIGKILL in the middle of a burst of orders
// through the gateway and started again a few seconds later. Its consumer group needs a session
// timeout to let the dead member go, so inventory is unreachable for well over the step timeout:
// the orchestrator re-sends (pivot rule) and every order is confirmed — none cancelled, none
// cancelled after its capture — and on-hand stock moved by exactly the confirmed units.
// Bounded: 30 orders; the step budget (3 min) is far above any outage here, so a slow machine
// delays orders but cannot cancel them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBurst, inventoryCrashBurst } from './support/crash-burst.ts';
import { Shop } from './support/shop.ts';

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
