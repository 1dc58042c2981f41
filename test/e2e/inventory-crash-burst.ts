// By hand: issue 12's reproduction. A shop as real processes with orders at its defaults
// (SAGA_STEP_TIMEOUT_MS 15 s, SAGA_STEP_BUDGET_MS 120 s), a burst of single-unit orders through
// the gateway, inventory killed with SIGKILL after the 50th and started again a few seconds later.
// Prints one line: accepted, confirmed, cancelled by reason, cancelled after capture, stock delta.
//
//   scripts/with-env.sh node test/e2e/inventory-crash-burst.ts
//   BURST_ORDERS=120 BURST_KILL_AFTER=50 BURST_DOWN_MS=5000 (defaults)
//   BURST_STEP_BUDGET_MS=15000: orders' step budget instead of its default (equal to the step
//   timeout: no re-send before the capture — what the budget saves becomes visible)
import { describeBurst, inventoryCrashBurst } from './support/crash-burst.ts';
import { Shop } from './support/shop.ts';

const orders = Number(process.env['BURST_ORDERS'] ?? 120);
const killAfter = Number(process.env['BURST_KILL_AFTER'] ?? 50);
const downMs = Number(process.env['BURST_DOWN_MS'] ?? 5_000);
const budgetMs = process.env['BURST_STEP_BUDGET_MS'];
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

const shop = await Shop.start({ label: 'burst', logLevel: 'warn', ...(budgetMs ? { env: { orders: { SAGA_STEP_BUDGET_MS: budgetMs } } } : {}) });
try {
  log(`shop up; ${orders} orders, inventory killed after ${killAfter}, down ${downMs} ms, step budget ${budgetMs ?? 'default'}`);
  const result = await inventoryCrashBurst(shop, { orders, killAfter, downMs, log });
  process.stdout.write(`inventory crash burst: ${describeBurst(result)}\n`);
  // Exit status 1 when an order was lost to the outage or stock moved by other than the confirmed units.
  process.exitCode = result.confirmed !== result.accepted || result.stockDelta !== result.confirmedUnits ? 1 : 0;
} finally {
  await shop.stop();
}
// Kafka clients the harness made for set-up may keep the event loop alive: leave with the status.
process.exit();
