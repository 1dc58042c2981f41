// Issue 12's drill: orders through the gateway at a steady rate while a schedule of faults runs
// against a whole shop of real processes (test/e2e/support/shop.ts) and the shared local Kafka and
// PostgreSQL; then, once every order is terminal, the invariants (invariants.ts) are checked against
// what the services' own databases hold. Used by `make drill` (run.ts) and by the short version in
// the disruptive suite (drill.disruptive.test.ts).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_TOPIC } from '@shopwatch/contracts';
import { infraHealthy, repoRoot, spawnService, startCollector, startInfra, stopInfra, waitFor, type Collector, type ServiceProcess } from '@shopwatch/testkit';
import { DEFAULT_SHIPPING, Shop, type ShopService } from '../e2e/support/shop.ts';
import { checkInvariants, countOrders, type DrillCounts, type DrillSnapshot, type Line } from './invariants.ts';
import { buildSchedule, describeFault, seededRandom, type Fault, type ScheduleOptions } from './schedule.ts';

export interface DrillOptions {
  orders: number;
  /** Orders placed per second. */
  rate: number;
  seed: number;
  schedule: ScheduleOptions;
  /** Products the orders spread over (1–2 units of one product each). */
  products?: number;
  /** How long after the last order and the last fault every order may take to become terminal. */
  drainTimeoutMs: number;
  /**
   * Killed services are started again in the background while the schedule goes on (outages
   * overlap; the short test's way of fitting in minutes). Infrastructure restarts still wait for
   * every service to be back first, so a service never boots against a stopped database.
   */
  overlapKills?: boolean;
  /** How long the participants get to settle what follows a terminal order (e.g. a shipment cancelled). */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface DrillResult extends DrillCounts {
  seed: number;
  /** Orders that never got a 202 (a 4xx other than 429, or retries ran out). */
  notAccepted: number;
  drainSeconds: number;
  totalSeconds: number;
  violations: string[];
  timeline: string[];
  /** Authorisations in psp's ledger at the end (declined, voided and refunded ones included). */
  pspAuthorizations: number;
  deadLetters: number;
  /** Services that exited without the drill killing them (restarted, as Kubernetes would), with their last words. */
  crashes: string[];
}

/** Orders in flight at once while placing; more would only pile up behind an outage. */
const MAX_IN_FLIGHT = 64;
/** An order's POST is retried (same Idempotency-Key) this long before it counts as not accepted. */
const PLACE_DEADLINE_MS = 10 * 60_000;

export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const schedule = buildSchedule(random, options.schedule);
  const started = Date.now();
  const timeline: string[] = [];
  const mark = (text: string) => {
    const line = `+${((Date.now() - started) / 1000).toFixed(1)}s ${text}`;
    timeline.push(line);
    log(line);
  };
  log(`drill seed=${options.seed} orders=${options.orders} rate=${options.rate}/s schedule: ${schedule.map((s) => `${s.gapMs}ms→${describeFault(s.fault)}`).join('; ')}`);

  const shop = await Shop.start({ label: 'drill', logLevel: 'warn' });
  const supervisor = new Supervisor(shop, mark);
  try {
    supervisor.watchAll();
    const { token } = await shop.signUpAndLogin();
    const productCount = options.products ?? 4;
    const products: string[] = [];
    for (let i = 0; i < productCount; i += 1) products.push(await shop.createProduct({ priceCents: 1_000, stock: options.orders * 2 }));
    const onHandBefore = await readStock(shop, products);
    mark(`shop up, ${productCount} products stocked`);

    // ---- orders at a steady rate, faults beside them ----
    const accepted: string[] = [];
    let notAccepted = 0;
    let inFlight = 0;
    let lastAcceptedAt = Date.now();
    const placeOne = async (index: number, line: Line) => {
      const key = `drill-${options.seed}-${index}`;
      const deadline = Date.now() + PLACE_DEADLINE_MS;
      for (;;) {
        try {
          const answer = await shop.request<{ id: string }>('POST', '/api/orders/orders', {
            token,
            headers: { 'idempotency-key': key },
            body: { items: [line], shipping: DEFAULT_SHIPPING },
          });
          if (answer.status === 202) {
            accepted.push(answer.body.id);
            lastAcceptedAt = Date.now();
            return;
          }
          // 4xx other than 408/429 is a final answer: the drill only sends valid orders, so it is counted.
          if (answer.status < 500 && answer.status !== 408 && answer.status !== 429) {
            notAccepted += 1;
            mark(`order ${index} refused: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
            return;
          }
        } catch {
          // connection refused or timed out while a service or the database is down: try again
        }
        if (Date.now() > deadline) {
          notAccepted += 1;
          mark(`order ${index} not accepted within ${PLACE_DEADLINE_MS} ms`);
          return;
        }
        await sleep(1_000);
      }
    };
    const placing = (async () => {
      const placed: Promise<void>[] = [];
      const t0 = Date.now();
      for (let i = 0; i < options.orders; i += 1) {
        const due = t0 + (i * 1000) / options.rate;
        if (due > Date.now()) await sleep(due - Date.now());
        while (inFlight >= MAX_IN_FLIGHT) await sleep(50);
        const line = { productId: products[Math.floor(random() * products.length)]!, quantity: 1 + Math.floor(random() * 2) };
        inFlight += 1;
        placed.push(placeOne(i, line).finally(() => (inFlight -= 1)));
        if ((i + 1) % Math.max(1, Math.round(options.orders / 10)) === 0) mark(`${i + 1} orders sent, ${accepted.length} accepted`);
      }
      await Promise.all(placed);
      mark(`all ${options.orders} orders answered: ${accepted.length} accepted, ${notAccepted} not`);
    })();

    const faulting = (async () => {
      const restarting: Promise<void>[] = [];
      for (const { gapMs, fault } of schedule) {
        await sleep(gapMs);
        if (fault.kind === 'kill' && options.overlapKills) {
          const restart = inject(shop, supervisor, fault, mark);
          // Handled here so a failed restart is not an unhandled rejection before it is awaited below.
          restart.catch(() => undefined);
          restarting.push(restart);
          continue;
        }
        await Promise.all(restarting.splice(0));
        await inject(shop, supervisor, fault, mark);
      }
      await Promise.all(restarting);
      mark('last fault over');
    })();

    await Promise.all([placing, faulting]);
    const quietFrom = Math.max(Date.now(), lastAcceptedAt);

    // ---- drain: every order terminal, read from orders' own table ----
    const ordersDb = shop.databases.get('orders')!.url;
    await waitFor(
      'every order confirmed or cancelled',
      async () => {
        const open = await query<{ n: string }>(ordersDb, `SELECT count(*) AS n FROM orders WHERE status NOT IN ('confirmed', 'cancelled')`);
        const n = Number(open[0]?.n ?? 0);
        if (n > 0) throw new Error(`${n} orders not terminal`);
        return true;
      },
      { timeoutMs: options.drainTimeoutMs, intervalMs: 1_000 },
    );
    const drainSeconds = (Date.now() - quietFrom) / 1000;
    mark(`every order terminal, ${drainSeconds.toFixed(1)} s after the last fault and the last order`);

    // ---- invariants, polled: a participant finishes what follows a terminal order on its own time ----
    const collector = await readDeadLetters(shop);
    let snapshot: DrillSnapshot | undefined;
    let violations: string[] = [];
    try {
      await waitFor(
        'the invariants to hold',
        async () => {
          snapshot = await takeSnapshot(shop, accepted, products, onHandBefore, collector);
          violations = checkInvariants(snapshot);
          return violations.length === 0;
        },
        { timeoutMs: options.settleTimeoutMs ?? 120_000, intervalMs: 2_000 },
      );
    } catch {
      // violations keeps the last check's findings
    } finally {
      await collector.stop();
    }
    for (let i = 0; i < notAccepted; i += 1) violations.push('an order the drill placed was never accepted');
    const counts = countOrders(snapshot!);
    mark(`invariants checked: ${violations.length} violations`);
    return {
      seed: options.seed,
      ...counts,
      notAccepted,
      drainSeconds,
      totalSeconds: (Date.now() - started) / 1000,
      violations,
      timeline,
      pspAuthorizations: snapshot!.pspAuthorizations.length,
      deadLetters: snapshot!.deadLetters.length,
      crashes: supervisor.crashes,
    };
  } finally {
    supervisor.stop();
    // The shared programs stay up for whoever comes next, whatever happened.
    await startInfra('kafka');
    await startInfra('postgres');
    await shop.stop();
  }
}

/**
 * Restarts a service that exited without the drill killing it, as a Deployment's kubelet would,
 * and keeps what it said last: a crash is not an invariant violation (the saga must survive it),
 * but it is a finding the drill prints.
 */
class Supervisor {
  readonly crashes: string[] = [];
  private readonly planned = new Set<ServiceProcess>();
  /** Services being started again after a crash: the schedule waits for them before killing one. */
  private readonly restarting = new Set<ShopService>();
  private stopping = false;

  private readonly shop: Shop;
  private readonly mark: (text: string) => void;

  constructor(shop: Shop, mark: (text: string) => void) {
    this.shop = shop;
    this.mark = mark;
  }

  watchAll(): void {
    for (const name of this.shop.services) this.watch(name);
  }

  watch(name: ShopService): void {
    const process = this.shop.processes.get(name);
    if (!process) return;
    void process.exited.then(async ({ code, signal }) => {
      if (this.stopping || this.planned.has(process)) return;
      const tail = process.output().slice(-1_500).replace(/\s+/g, ' ');
      this.crashes.push(`${name} exited on its own (code ${code}, signal ${signal}): ${tail}`);
      this.mark(`${name} exited on its own (code ${code}, signal ${signal}); restarting it`);
      this.restarting.add(name);
      try {
        for (let attempt = 1; !this.stopping; attempt += 1) {
          try {
            // A service's start-up needs its database (psp's ledger too): starting it while
            // PostgreSQL restarts only burns the harness's 90 s readiness wait.
            await waitFor('PostgreSQL healthy', () => infraHealthy('postgres'), { timeoutMs: 300_000, intervalMs: 1_000 });
            await this.shop.startService(name);
            this.watch(name);
            this.mark(`${name} ready again after its crash`);
            return;
          } catch (error) {
            this.mark(`${name} restart attempt ${attempt} failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
            await sleep(2_000);
          }
        }
      } finally {
        this.restarting.delete(name);
      }
    });
  }

  /** The service's live process, once no crash restart of it is under way (a kill must hit a running process). */
  async running(name: ShopService): Promise<ServiceProcess> {
    return waitFor(
      `${name} running`,
      () => {
        const process = this.shop.processes.get(name);
        return !this.restarting.has(name) && process && process.child.exitCode === null && process.child.signalCode === null ? process : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 200 },
    );
  }

  /** The drill is about to kill this service: its exit is planned, not a crash. */
  async plan(name: ShopService): Promise<ServiceProcess> {
    const process = await this.running(name);
    this.planned.add(process);
    return process;
  }

  stop(): void {
    this.stopping = true;
  }
}

/** Carries out one fault and returns once it is over (the service or program is back and ready). */
async function inject(shop: Shop, supervisor: Supervisor, fault: Fault, mark: (text: string) => void): Promise<void> {
  switch (fault.kind) {
    case 'kill': {
      const process = await supervisor.plan(fault.service);
      process.child.kill('SIGKILL');
      await process.exited;
      mark(`${fault.service} killed (SIGKILL)`);
      await sleep(fault.downMs);
      await shop.startService(fault.service);
      supervisor.watch(fault.service);
      mark(`${fault.service} ready again`);
      return;
    }
    case 'restart': {
      mark(`${fault.program} stopping`);
      await stopInfra(fault.program);
      mark(`${fault.program} stopped`);
      await startInfra(fault.program);
      mark(`${fault.program} healthy again`);
      return;
    }
    case 'pause': {
      const process = await supervisor.running(fault.service);
      process.child.kill('SIGSTOP');
      mark(`${fault.service} stopped (SIGSTOP): relay and consumer stand still`);
      try {
        await sleep(fault.pauseMs);
      } finally {
        process.child.kill('SIGCONT');
      }
      mark(`${fault.service} continued (SIGCONT)`);
      return;
    }
    case 'rebalance': {
      const replica = await spawnService({
        name: `${fault.service}-replica`,
        script: path.join(repoRoot(), 'services', fault.service, 'src', 'server.ts'),
        env: replicaEnv(shop, fault.service),
        readyTimeoutMs: 90_000,
      });
      mark(`second ${fault.service} replica ready (joins ${shop.groups[fault.service]})`);
      await sleep(fault.holdMs);
      replica.child.kill('SIGTERM');
      const timer = setTimeout(() => replica.child.kill('SIGKILL'), 30_000);
      await replica.exited;
      clearTimeout(timer);
      mark(`second ${fault.service} replica stopped (SIGTERM): its partitions go back`);
      return;
    }
  }
}

/** The environment the shop gives a participant, for a second replica in the same consumer group. */
function replicaEnv(shop: Shop, service: 'inventory' | 'shipping'): Record<string, string> {
  const common = {
    LOG_LEVEL: shop.options.logLevel ?? 'warn',
    FAULTS_FILE: shop.faultsFile(service),
    CONSUMER_GROUP: shop.groups[service],
    DATABASE_URL: shop.databases.get(service)!.url,
    KAFKA_BROKERS: shop.brokers.join(','),
    JWT_SECRET: shop.secret,
  };
  return service === 'inventory'
    ? { ...common, COMMANDS_TOPIC: shop.topics.inventoryCommands, EVENTS_TOPIC: shop.topics.inventoryEvents, LOW_STOCK_THRESHOLD: '0' }
    : { ...common, COMMANDS_TOPIC: shop.topics.shippingCommands, EVENTS_TOPIC: shop.topics.shippingEvents, ORDERS_EVENTS_TOPIC: shop.topics.ordersEvents };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function readStock(shop: Shop, products: readonly string[]): Promise<Map<string, { onHand: number; reserved: number }>> {
  const rows = await query<{ product_id: string; on_hand: number; reserved: number }>(
    shop.databases.get('inventory')!.url,
    'SELECT product_id::text, on_hand, reserved FROM stock WHERE product_id = ANY($1::uuid[])',
    [products],
  );
  return new Map(rows.map((r) => [r.product_id, { onHand: r.on_hand, reserved: r.reserved }]));
}

/** Every record on the shared dead-letter topic, read to its end (the shop's groups are filtered later). */
async function readDeadLetters(shop: Shop): Promise<Collector> {
  const admin = new Kafka({ clientId: 'drill-admin', brokers: [...shop.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  let total = 0;
  try {
    const topics = await admin.listTopics();
    if (topics.includes(DEAD_LETTER_TOPIC)) {
      for (const p of await admin.fetchTopicOffsets(DEAD_LETTER_TOPIC)) total += Number(p.high) - Number(p.low);
    }
  } finally {
    await admin.disconnect();
  }
  const collector = await startCollector(shop.brokers, [DEAD_LETTER_TOPIC]);
  await waitFor(`the dead-letter topic read to its end (${total} records)`, () => collector.records.length >= total, { timeoutMs: 120_000, intervalMs: 250 });
  return collector;
}

async function takeSnapshot(
  shop: Shop,
  accepted: readonly string[],
  products: readonly string[],
  before: ReadonlyMap<string, { onHand: number }>,
  deadLetters: Collector,
): Promise<DrillSnapshot> {
  const url = (name: ShopService) => shop.databases.get(name)!.url;
  const [orders, reservations, payments, pspAuthorizations, shipments, stock] = await Promise.all([
    query<{ id: string; status: string; failure_reason: string | null; lines: Line[] }>(url('orders'), 'SELECT id::text, status, failure_reason, lines FROM orders'),
    query<{ order_id: string; status: string; items: Line[] }>(
      url('inventory'),
      `SELECT r.order_id, r.status,
              coalesce(json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity)) FILTER (WHERE i.order_id IS NOT NULL), '[]') AS items
         FROM reservations r LEFT JOIN reservation_items i USING (order_id) GROUP BY r.order_id, r.status`,
    ),
    query<{ order_id: string | null; status: string }>(url('payments'), 'SELECT order_id, status FROM payments'),
    query<{ id: string; reference: string | null; status: string }>(url('psp'), 'SELECT id, reference, status FROM psp_authorizations'),
    query<{ order_id: string; status: string }>(url('shipping'), 'SELECT order_id, status FROM shipments'),
    readStock(shop, products),
  ]);
  const groups = new Set(Object.values(shop.groups));
  return {
    accepted,
    orders: orders.map((o) => ({ id: o.id, status: o.status, reason: o.failure_reason, lines: o.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) })),
    reservations: reservations.map((r) => ({ orderId: r.order_id, status: r.status, items: r.items })),
    payments: payments.map((p) => ({ orderId: p.order_id, status: p.status })),
    shipments: shipments.map((s) => ({ orderId: s.order_id, status: s.status })),
    onHandBefore: new Map([...before].map(([id, s]) => [id, s.onHand])),
    onHandAfter: new Map([...stock].map(([id, s]) => [id, s.onHand])),
    reservedAfter: new Map([...stock].map(([id, s]) => [id, s.reserved])),
    pspAuthorizations,
    deadLetters: deadLetters.records
      .filter((r) => groups.has(r.headers[DEAD_LETTER_HEADERS.consumerGroup] ?? ''))
      .map((r) => ({
        group: r.headers[DEAD_LETTER_HEADERS.consumerGroup] ?? '',
        topic: r.headers[DEAD_LETTER_HEADERS.originalTopic] ?? '',
        reason: `${r.headers[DEAD_LETTER_HEADERS.reason] ?? ''} ${r.headers[DEAD_LETTER_HEADERS.detail] ?? ''}`.trim(),
      })),
  };
}

/** The one summary line of the drill. */
export function describeDrill(result: DrillResult): string {
  const cancelled = Object.entries(result.cancelled)
    .map(([reason, n]) => `cancelled_${reason}=${n}`)
    .join(' ');
  return (
    `bench drill: seed=${result.seed} accepted=${result.accepted} confirmed=${result.confirmed}${cancelled ? ` ${cancelled}` : ' cancelled=0'} ` +
    `not_accepted=${result.notAccepted} crashes=${result.crashes.length} psp_authorizations=${result.pspAuthorizations} dead_letters=${result.deadLetters} ` +
    `drain_s=${result.drainSeconds.toFixed(1)} total_s=${result.totalSeconds.toFixed(1)} violations=${result.violations.length}`
  );
}

export function randomSeed(): number {
  return Number.parseInt(randomUUID().slice(0, 8), 16);
}
