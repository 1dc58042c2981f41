// bench checkout: orders through the gateway, each followed to its terminal state, in one run:
//   1. the whole shop as its images run it (JavaScript build, image Node flags), one database per
//      service, its own topics and consumer groups (the end-to-end tests' harness);
//   2. warm-up, then an open-loop load at increasing offered rates (BENCH_RATES, orders/s, each
//      for BENCH_DURATION_S): POSTs go out on schedule whether or not earlier ones finished;
//   3. each order's latency is POST → its `order.confirmed` / `order.cancelled` fact on the orders
//      events topic (read by a consumer of our own, so no polling adds load or delay);
//   4. a step is sustained when every order reached a terminal state and the completion rate (over
//      the middle 80% of finish times) kept up with the offered rate (≥ 90%); the summary reports
//      the best sustained step, and the per-step durations from orders' metrics say where the time goes.
// Targets: ≥ 200 orders/s sustained, p99 ≤ 1 s. Ends with `bench checkout: key=value ...`.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { buildProductionTree } from '../catalog/support.ts';
import { metricSeries, percentile, type Series } from './stats.ts';
// eslint-disable-next-line shopwatch/no-cross-workspace-import -- the shop starter moves into @shopwatch/testkit (startShop) once test/e2e/support/shop.ts settles
import { SHOP_SERVICES, Shop } from '../../test/e2e/support/shop.ts';

const RATES = (process.env['BENCH_RATES'] ?? '10,20,40,80,160,240').split(',').map(Number).filter((r) => r > 0);
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 5);
const SHOPPERS = Number(process.env['BENCH_SHOPPERS'] ?? 20);
const PRODUCTS = Number(process.env['BENCH_PRODUCTS'] ?? 50);
/** Time allowed after the last POST of a step for its orders to finish. */
const DRAIN_S = Number(process.env['BENCH_DRAIN_S'] ?? 30);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET_RPS = 200;
const TARGET_P99_MS = 1000;

interface Pending {
  postedAt: number;
  acceptedAt?: number;
  doneAt?: number;
  outcome?: 'confirmed' | 'cancelled' | 'rejected';
  reason?: string;
}

interface StepResult {
  offered: number;
  placed: number;
  terminal: number;
  confirmed: number;
  cancelled: number;
  rejected: number;
  throughput: number;
  p50: number;
  p99: number;
  postP99: number;
  sustained: boolean;
  reasons: Record<string, number>;
  /** CPU milliseconds per terminal order, by service (user + system, from /proc). */
  cpuPerOrder: Record<string, number>;
  /** CPU milliseconds per order of the PostgreSQL backends serving the shop's databases. */
  postgresPerOrder: number;
}

/**
 * CPU time of the PostgreSQL backends serving this shop's databases (their titles name the
 * database), in ms. Backends live as long as the services' pools, so a difference over a step is
 * the database work of that step's orders.
 */
function postgresCpuMs(databases: readonly string[]): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let title: string;
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (title.startsWith('postgres: ') && databases.some((db) => title.includes(` ${db} `))) total += cpuMs(Number(entry));
  }
  return total;
}

/** CPU time a process used so far, in ms (Linux /proc; 0 where unavailable). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks (100 Hz)
  } catch {
    return 0;
  }
}

const build = process.env['BENCH_SOURCE'] === '1' ? undefined : buildProductionTree(ROOT, ['catalog', 'users', 'gateway', 'inventory', 'payments', 'psp', 'orders', 'shipping']);
const shop = await Shop.start({
  label: 'bench',
  ...(build ? { build } : {}),
  nodeFlags: ['--max-semi-space-size=2'],
  logLevel: 'warn',
  partitions: 12,
  env: {
    payments: {
      // The harness's test breaker settings are tight; the bench runs payments as deployed.
      PSP_TIMEOUT_MS: '2000',
      PSP_RETRY_ATTEMPTS: '3',
      BREAKER_VOLUME_THRESHOLD: '5',
      BREAKER_RESET_TIMEOUT_MS: '5000',
      KAFKA_TOPIC_PARTITIONS: '12',
    },
  },
});
const orders = new Map<string, Pending>();
const kafka = new Kafka({ clientId: 'bench-checkout', brokers: [...shop.brokers], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `${shop.base}-bench` });
// Facts can arrive before the POST's response names the order: keep them until it does.
const early = new Map<string, { at: number; type: string; reason?: string }>();

function settle(id: string, at: number, type: string, reason?: string): void {
  const order = orders.get(id);
  if (!order) {
    early.set(id, { at, type, ...(reason ? { reason } : {}) });
    return;
  }
  if (order.doneAt !== undefined) return;
  order.doneAt = at;
  order.outcome = type.endsWith('.confirmed') ? 'confirmed' : 'cancelled';
  if (reason) order.reason = reason;
}

try {
  await consumer.connect();
  await consumer.subscribe({ topics: [shop.topics.ordersEvents], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = Date.now();
      const event = JSON.parse(message.value?.toString() ?? '{}') as { type?: string; subject?: string; data?: { reason?: string } };
      if (!event.subject || (event.type !== 'shop.orders.order.confirmed' && event.type !== 'shop.orders.order.cancelled')) return;
      settle(event.subject, at, event.type, event.data?.reason);
    },
  });

  const productIds: string[] = [];
  for (let i = 0; i < PRODUCTS; i += 1) productIds.push(await shop.createProduct({ priceCents: 500 + i * 37, stock: 1_000_000 }));
  const tokens: string[] = [];
  for (let i = 0; i < SHOPPERS; i += 1) tokens.push((await shop.signUpAndLogin()).token);

  const databaseNames = [...shop.databases.values()].map((db) => db.name);
  let sequence = 0;
  async function place(): Promise<void> {
    const n = sequence++;
    const postedAt = Date.now();
    const token = tokens[n % tokens.length]!;
    const items = [{ productId: productIds[n % productIds.length]!, quantity: 1 + (n % 3) }];
    if (n % 4 === 0) items.push({ productId: productIds[(n * 7 + 3) % productIds.length]!, quantity: 1 });
    const unique = new Map(items.map((item) => [item.productId, item]));
    try {
      const placed = await shop.placeOrder(token, { items: [...unique.values()] });
      if (placed.status !== 202) {
        orders.set(`rejected-${n}`, { postedAt, doneAt: Date.now(), outcome: 'rejected', reason: String(placed.status) });
        return;
      }
      const pending: Pending = { postedAt, acceptedAt: Date.now() };
      orders.set(placed.body.id, pending);
      const fact = early.get(placed.body.id);
      if (fact) settle(placed.body.id, fact.at, fact.type, fact.reason);
    } catch (error) {
      orders.set(`rejected-${n}`, { postedAt, doneAt: Date.now(), outcome: 'rejected', reason: (error as Error).name });
    }
  }

  /** Offers `rate` orders/s for `seconds`, open loop; resolves when every order placed is terminal or the drain time is up. */
  async function step(rate: number, seconds: number): Promise<StepResult> {
    const before = new Set(orders.keys());
    const cpuBefore = Object.fromEntries(SHOP_SERVICES.map((name) => [name, cpuMs(shop.processes.get(name)?.child.pid)]));
    const postgresBefore = postgresCpuMs(databaseNames);
    const total = Math.round(rate * seconds);
    const start = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i += 1) {
      const due = start + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(place());
    }
    await Promise.all(inFlight);
    const mine = () => [...orders.entries()].filter(([id]) => !before.has(id)).map(([, order]) => order);
    const drainUntil = Date.now() + DRAIN_S * 1000;
    while (Date.now() < drainUntil && mine().some((o) => o.doneAt === undefined)) await new Promise((resolve) => setTimeout(resolve, 50));
    const all = mine();
    const cpuPerOrder: Record<string, number> = {};
    for (const name of SHOP_SERVICES) cpuPerOrder[name] = (cpuMs(shop.processes.get(name)?.child.pid) - (cpuBefore[name] ?? 0)) / Math.max(1, all.length);
    const postgresPerOrder = (postgresCpuMs(databaseNames) - postgresBefore) / Math.max(1, all.length);
    const done = all.filter((o) => o.doneAt !== undefined && o.outcome !== 'rejected');
    const latencies = done.map((o) => o.doneAt! - o.postedAt).sort((a, b) => a - b);
    // Completion rate: orders finished per second over the middle 80% of the finish times (the
    // first and last tenth are where one order's latency jitter shows most). Kept up, it equals the
    // offered rate; falling behind, the growing backlog spreads the completions out.
    const finishTimes = done.map((o) => o.doneAt!).sort((a, b) => a - b);
    const at = (q: number) => finishTimes[Math.min(finishTimes.length - 1, Math.floor(q * finishTimes.length))]!;
    const middle = Math.floor(0.9 * finishTimes.length) - Math.floor(0.1 * finishTimes.length);
    const throughput = finishTimes.length >= 10 && at(0.9) > at(0.1) ? (middle * 1000) / (at(0.9) - at(0.1)) : finishTimes.length / seconds;
    const reasons: Record<string, number> = {};
    for (const o of all) if (o.outcome !== 'confirmed') reasons[o.reason ?? 'unfinished'] = (reasons[o.reason ?? 'unfinished'] ?? 0) + 1;
    const postLatencies = all.filter((o) => o.acceptedAt !== undefined).map((o) => o.acceptedAt! - o.postedAt).sort((a, b) => a - b);
    return {
      offered: rate,
      placed: all.length,
      terminal: done.length,
      confirmed: done.filter((o) => o.outcome === 'confirmed').length,
      cancelled: done.filter((o) => o.outcome === 'cancelled').length,
      rejected: all.filter((o) => o.outcome === 'rejected').length,
      throughput,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      postP99: percentile(postLatencies, 0.99),
      sustained: done.length === total && throughput >= rate * 0.9,
      reasons,
      cpuPerOrder,
      postgresPerOrder,
    };
  }

  const stepMetricsBefore = metricSeries(await shop.metrics('orders'));
  const warm = await step(10, 3);
  console.log(`warm-up: ${warm.terminal}/${warm.placed} terminal, p50 ${warm.p50} ms, p99 ${warm.p99} ms`);
  const results: StepResult[] = [];
  for (const rate of RATES) {
    const result = await step(rate, DURATION_S);
    results.push(result);
    console.log(
      `offered ${String(rate).padStart(4)}/s  placed ${String(result.placed).padStart(5)}  terminal ${String(result.terminal).padStart(5)}  ` +
        `${result.throughput.toFixed(1).padStart(6)} orders/s  p50 ${result.p50} ms  p99 ${result.p99} ms  POST p99 ${result.postP99} ms  ` +
        `confirmed ${result.confirmed} cancelled ${result.cancelled} rejected ${result.rejected}${result.sustained ? '' : '  (not sustained)'}` +
        (Object.keys(result.reasons).length ? `  ${JSON.stringify(result.reasons)}` : ''),
    );
    const cpu = Object.entries(result.cpuPerOrder);
    console.log(
      `    CPU per order: ${cpu.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')} ms; ` +
        `all services ${cpu.reduce((sum, [, ms]) => sum + ms, 0).toFixed(1)} ms; PostgreSQL backends ${result.postgresPerOrder.toFixed(1)} ms`,
    );
    // Past saturation a higher rate teaches nothing more, and its backlog would take minutes to drain.
    if (!result.sustained) break;
  }
  const stepMetricsAfter = metricSeries(await shop.metrics('orders'));
  printStepDurations(stepMetricsBefore, stepMetricsAfter);

  const sustained = results.filter((r) => r.sustained);
  const pool = sustained.length ? sustained : results;
  const best = pool.length ? pool.reduce((a, b) => (b.throughput > a.throughput ? b : a)) : undefined;
  const confirmed = results.reduce((sum, r) => sum + r.confirmed, 0);
  const cancelled = results.reduce((sum, r) => sum + r.cancelled, 0);
  if (best) {
    console.log(`targets: orders_per_s ≥ ${TARGET_RPS} (${best.throughput >= TARGET_RPS ? 'met' : 'missed'}), p99 ≤ ${TARGET_P99_MS} ms (${best.p99 <= TARGET_P99_MS ? 'met' : 'missed'})`);
    console.log(
      [
        'bench checkout:',
        `orders_per_s=${best.throughput.toFixed(1)}`,
        `p50_ms=${best.p50}`,
        `p99_ms=${best.p99}`,
        `confirmed=${confirmed}`,
        `cancelled=${cancelled}`,
        `offered_per_s=${best.offered}`,
        `sustained=${best.sustained}`,
        `max_offered_per_s=${results.at(-1)?.offered ?? 0}`,
        `rejected=${results.reduce((sum, r) => sum + r.rejected, 0)}`,
        `duration_s=${DURATION_S}`,
        `target_orders_per_s=${TARGET_RPS}`,
        `target_p99_ms=${TARGET_P99_MS}`,
      ].join(' '),
    );
  }
} finally {
  await consumer.disconnect().catch(() => undefined);
  await shop.stop();
  if (build) rmSync(build, { recursive: true, force: true });
}

/** Mean duration per saga step (from orders' histogram) over the measured steps. */
function printStepDurations(before: Series[], after: Series[]): void {
  const histogram = after.filter((s) => s.name.endsWith('_seconds_sum') && ('step' in s.labels || s.name === 'shop_checkout_duration_seconds_sum'));
  if (histogram.length === 0) {
    console.log('per-step durations: orders exposes no step histogram');
    return;
  }
  console.log('per-step durations (orders metrics, measured steps only):');
  for (const sum of histogram) {
    const countName = sum.name.replace(/_sum$/, '_count');
    const key = (s: Series) => JSON.stringify(s.labels);
    const find = (list: Series[], name: string) => list.find((s) => s.name === name && key(s) === key(sum))?.value ?? 0;
    const count = find(after, countName) - find(before, countName);
    if (count <= 0) continue;
    const seconds = find(after, sum.name) - find(before, sum.name);
    const labels = Object.entries(sum.labels)
      .filter(([k]) => k !== 'service')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(`  ${sum.name.replace(/_sum$/, '')} ${labels}: ${count} × mean ${((seconds / count) * 1000).toFixed(1)} ms`);
  }
}
