// A whole shop as real processes, for end-to-end tests and the checkout benchmark: every service
// started from its entry point (TypeScript sources, or a JavaScript build tree like the images
// run), each with its own test database, every saga topic and consumer group unique to this shop,
// one JWT secret, the gateway in front of all of them, and a faults file per service that the test
// rewrites while the shop runs. Nothing here imports a service's code: the shop is driven through
// the gateway and the services' own admin APIs, as a user or an operator would.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKafkaClient, deleteTopics, ensureTopics, issueToken } from '@shopwatch/platform';
import { createServer } from 'node:net';
import {
  createTestDatabase,
  infraEnv,
  repoRoot,
  spawnService,
  uniqueName,
  waitFor,
  type ServiceProcess,
  type TestDatabase,
} from '@shopwatch/testkit';

/** Every process a shop may run, in start order (participants before the orchestrator, gateway last). */
export const SHOP_SERVICES = ['psp', 'payments', 'inventory', 'shipping', 'catalog', 'users', 'orders', 'gateway'] as const;
export type ShopService = (typeof SHOP_SERVICES)[number];

/** The services that keep state in PostgreSQL (one fresh database each). */
const WITH_DATABASE: readonly ShopService[] = ['psp', 'payments', 'inventory', 'shipping', 'catalog', 'users', 'orders'];

export type SagaTopics = {
  inventoryCommands: string;
  inventoryEvents: string;
  paymentsCommands: string;
  paymentsEvents: string;
  shippingCommands: string;
  shippingEvents: string;
  ordersEvents: string;
};

export interface ShopOptions {
  /** Which services to run (default: all). The gateway routes to whichever run. */
  services?: readonly ShopService[];
  /** Extra environment per service, over the harness's settings. */
  env?: Partial<Record<ShopService, Record<string, string>>>;
  /** Where the entry points are: `source` (default) runs `services/<name>/src/server.ts`; a directory runs its built `server.js`. */
  build?: string;
  nodeFlags?: string[];
  /** Partitions of every saga topic (default 6). */
  partitions?: number;
  logLevel?: string;
  /** Used in database and topic names. */
  label?: string;
}

export interface StockLevel {
  productId: string;
  onHand: number;
  reserved: number;
  available: number;
}

export interface ShippingAddress {
  country: string;
  postalCode: string;
  city: string;
  method: 'standard' | 'express';
}

export interface OrderRequest {
  items: { productId: string; quantity: number }[];
  shipping?: ShippingAddress;
  cardToken?: string;
}

export interface OrderView {
  id: string;
  /** `cancelling` while compensations run; `confirmed` and `cancelled` are terminal. */
  status: 'pending' | 'cancelling' | 'confirmed' | 'cancelled';
  reason?: string | null;
  failedStep?: string | null;
  [field: string]: unknown;
}

export interface HttpResult<T> {
  status: number;
  body: T;
  headers: Headers;
}

export const DEFAULT_SHIPPING: ShippingAddress = { country: 'DE', postalCode: '10115', city: 'Berlin', method: 'standard' };

export class Shop {
  readonly secret = `e2e-${randomBytes(24).toString('hex')}`;
  readonly brokers = infraEnv().kafkaBrokers;
  readonly topics: SagaTopics;
  readonly groups: Record<ShopService, string>;
  readonly processes = new Map<ShopService, ServiceProcess>();
  readonly databases = new Map<ShopService, TestDatabase>();
  private readonly ports = new Map<ShopService, number>();
  private readonly envs = new Map<ShopService, Record<string, string>>();
  private readonly faultsWritten = new Map<ShopService, string>();
  private readonly faultsDir = mkdtempSync(path.join(tmpdir(), 'shopwatch-e2e-faults-'));
  private adminTokenValue: string | undefined;
  private categoryId: string | undefined;
  private stopped = false;

  readonly options: ShopOptions;
  /** Prefix of every topic and consumer group of this shop. */
  readonly base: string;

  private constructor(options: ShopOptions, base: string) {
    this.options = options;
    this.base = base;
    this.topics = {
      inventoryCommands: `${base}.inventory.commands`,
      inventoryEvents: `${base}.inventory.events`,
      paymentsCommands: `${base}.payments.commands`,
      paymentsEvents: `${base}.payments.events`,
      shippingCommands: `${base}.shipping.commands`,
      shippingEvents: `${base}.shipping.events`,
      ordersEvents: `${base}.orders.events`,
    };
    this.groups = Object.fromEntries(SHOP_SERVICES.map((name) => [name, `${base}-${name}`])) as Record<ShopService, string>;
  }

  /** Starts the shop; on any failure everything already started is stopped again. */
  static async start(options: ShopOptions = {}): Promise<Shop> {
    const shop = new Shop(options, uniqueName(`test.e2e-${options.label ?? 'shop'}`));
    try {
      await shop.boot();
    } catch (error) {
      await shop.stop();
      throw error;
    }
    return shop;
  }

  get services(): readonly ShopService[] {
    return this.options.services ?? SHOP_SERVICES;
  }

  get gatewayUrl(): string {
    return this.url('gateway');
  }

  url(name: ShopService): string {
    const port = this.ports.get(name);
    if (port === undefined) throw new Error(`${name} is not part of this shop`);
    return `http://127.0.0.1:${port}`;
  }

  faultsFile(name: ShopService): string {
    return path.join(this.faultsDir, `${name}.json`);
  }

  /**
   * Rewrites a service's faults file (atomically) and waits until the service says it loaded the
   * new settings (it re-reads the file every 2 s and logs `faults loaded` at info level).
   */
  async setFaults(name: ShopService, faults: Record<string, unknown>, timeoutMs = 30_000): Promise<void> {
    const text = JSON.stringify(faults);
    if (this.faultsWritten.get(name) === text) return;
    const loadedBefore = this.faultsLoaded(name);
    const file = this.faultsFile(name);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    this.faultsWritten.set(name, text);
    await waitFor(`${name} loaded faults ${text}`, () => this.faultsLoaded(name) > loadedBefore, { timeoutMs, intervalMs: 100 });
  }

  private faultsLoaded(name: ShopService): number {
    return this.output(name).split('"msg":"faults loaded"').length - 1;
  }

  private async boot(): Promise<void> {
    const partitions = this.options.partitions ?? 6;
    const kafka = createKafkaClient({ brokers: this.brokers, clientId: 'e2e-shop' });
    // Created up front so no service races another to a topic it produces to or consumes from.
    const specs: { topic: string; partitions: number }[] = Object.values(this.topics).map((topic: string) => ({ topic, partitions }));
    await ensureTopics(kafka, specs);
    const env = infraEnv();
    for (const name of this.services) {
      if (!WITH_DATABASE.includes(name)) continue;
      this.databases.set(name, await createTestDatabase(`e2e_${name}`));
    }
    for (const name of SHOP_SERVICES) this.ports.set(name, await reservedPort(new Set(this.ports.values())));
    const upstreams = Object.fromEntries(
      this.services.filter((s) => s !== 'gateway' && s !== 'psp').map((s) => [`${s.toUpperCase()}_URL`, this.url(s)]),
    );
    const common = (name: ShopService): Record<string, string> => ({
      LOG_LEVEL: this.options.logLevel ?? 'info',
      FAULTS_FILE: this.faultsFile(name),
      CONSUMER_GROUP: this.groups[name],
      ...(this.databases.has(name) ? { DATABASE_URL: this.databases.get(name)!.url } : {}),
    });
    const kafkaEnv = { KAFKA_BROKERS: this.brokers.join(',') };
    const t = this.topics;
    const settings: Record<ShopService, Record<string, string>> = {
      psp: {},
      payments: {
        ...kafkaEnv,
        PSP_URL: this.url('psp'),
        COMMANDS_TOPIC: t.paymentsCommands,
        EVENTS_TOPIC: t.paymentsEvents,
        KAFKA_TOPIC_PARTITIONS: String(partitions),
        // Small enough for a test to open, half-open and close the breaker in seconds.
        // Generous: a busy machine must not turn a slow psp answer into a cancelled order.
        PSP_TIMEOUT_MS: '5000',
        PSP_RETRY_ATTEMPTS: '2',
        PSP_RETRY_INITIAL_DELAY_MS: '50',
        PSP_RETRY_MAX_DELAY_MS: '200',
        BREAKER_VOLUME_THRESHOLD: '3',
        BREAKER_ERROR_THRESHOLD_PERCENT: '50',
        BREAKER_RESET_TIMEOUT_MS: '3000',
        BREAKER_ROLLING_WINDOW_MS: '10000',
      },
      inventory: {
        ...kafkaEnv,
        JWT_SECRET: this.secret,
        COMMANDS_TOPIC: t.inventoryCommands,
        EVENTS_TOPIC: t.inventoryEvents,
        LOW_STOCK_THRESHOLD: '0',
      },
      shipping: {
        ...kafkaEnv,
        JWT_SECRET: this.secret,
        COMMANDS_TOPIC: t.shippingCommands,
        EVENTS_TOPIC: t.shippingEvents,
        ORDERS_EVENTS_TOPIC: t.ordersEvents,
      },
      catalog: { ...kafkaEnv, JWT_SECRET: this.secret },
      users: { JWT_SECRET: this.secret },
      orders: {
        ...kafkaEnv,
        JWT_SECRET: this.secret,
        CATALOG_URL: this.url('catalog'),
        EVENTS_TOPIC: t.ordersEvents,
        ORDERS_EVENTS_TOPIC: t.ordersEvents,
        INVENTORY_COMMANDS_TOPIC: t.inventoryCommands,
        INVENTORY_EVENTS_TOPIC: t.inventoryEvents,
        PAYMENTS_COMMANDS_TOPIC: t.paymentsCommands,
        PAYMENTS_EVENTS_TOPIC: t.paymentsEvents,
        SHIPPING_COMMANDS_TOPIC: t.shippingCommands,
        SHIPPING_EVENTS_TOPIC: t.shippingEvents,
      },
      gateway: {
        REDIS_URL: env.redisUrl,
        JWT_SECRET: this.secret,
        ...upstreams,
        // The shoppers are all on loopback: the limiter is tested in the gateway's own suite.
        RATE_LIMIT_ALLOW: '127.0.0.1,::1,::ffff:127.0.0.1',
      },
    };
    for (const name of this.services) {
      this.envs.set(name, { ...common(name), ...settings[name], ...this.options.env?.[name] });
    }
    // Participants start side by side; orders after them, the gateway last.
    const first = this.services.filter((s) => s !== 'orders' && s !== 'gateway');
    await Promise.all(first.map((name) => this.startService(name)));
    if (this.services.includes('orders')) await this.startService('orders');
    if (this.services.includes('gateway')) await this.startService('gateway');
  }

  private script(name: ShopService): string {
    return this.options.build
      ? path.join(this.options.build, 'services', name, 'src', 'server.js')
      : path.join(repoRoot(), 'services', name, 'src', 'server.ts');
  }

  /** Starts (or restarts) one service on its own port, with the environment it had. */
  async startService(name: ShopService): Promise<ServiceProcess> {
    const running = this.processes.get(name);
    if (running && running.child.exitCode === null && running.child.signalCode === null) return running;
    const port = this.ports.get(name)!;
    const process = await spawnService({
      name,
      script: this.script(name),
      nodeFlags: this.options.nodeFlags ?? [],
      env: { ...this.envs.get(name), PORT: String(port) },
      ready: false,
    });
    this.processes.set(name, process);
    const url = this.url(name);
    await waitFor(
      `${name} on ${url} ready`,
      async () => {
        if (process.child.exitCode !== null) throw new Error(`${name} exited with ${process.child.exitCode}: ${process.output().slice(-2000)}`);
        return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) })).ok;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    // The answer must have come from this process, not from whoever else holds the port.
    const metrics = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    if (process.child.exitCode !== null || !metrics.includes(`service="${name}"`)) {
      throw new Error(`${name}: something else answers on ${url}; the process said: ${process.output().slice(-2000)}`);
    }
    return process;
  }

  /** Stops a service and starts it again on its port, with `env` changed (e.g. a shorter timeout). */
  async restartService(name: ShopService, env: Record<string, string> = {}): Promise<ServiceProcess> {
    await this.stopService(name);
    this.envs.set(name, { ...this.envs.get(name), ...env });
    return this.startService(name);
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stopService(name: ShopService, graceMs = 15_000): Promise<void> {
    const process = this.processes.get(name);
    if (!process || process.child.exitCode !== null || process.child.signalCode !== null) return;
    process.child.kill('SIGTERM');
    const timer = setTimeout(() => process.child.kill('SIGKILL'), graceMs);
    await process.exited;
    clearTimeout(timer);
  }

  /** What a service has logged (for failure messages). */
  output(name: ShopService): string {
    return this.processes.get(name)?.output() ?? '';
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Front to back: nothing new comes in while the participants drain.
    for (const name of [...this.services].reverse()) await this.stopService(name);
    await Promise.all([...this.databases.values()].map((db) => db.drop().catch(() => undefined)));
    const kafka = createKafkaClient({ brokers: this.brokers, clientId: 'e2e-shop-teardown' });
    await deleteTopics(kafka, Object.values(this.topics)).catch(() => undefined);
    rmSync(this.faultsDir, { recursive: true, force: true });
  }

  // ---- HTTP through the gateway ----

  async request<T>(method: string, route: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.gatewayUrl}${route}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  private async expectStatus<T>(description: string, expected: number[], result: Promise<HttpResult<T>>): Promise<T> {
    const r = await result;
    if (!expected.includes(r.status)) throw new Error(`${description}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** An admin token signed with the shop's secret (what users would issue to an admin). */
  async adminToken(): Promise<string> {
    this.adminTokenValue ??= await issueToken({ secret: this.secret }, { subject: randomUUID(), role: 'admin' }, 24 * 3600);
    return this.adminTokenValue;
  }

  /** Signs a new shopper up and logs in through the gateway; returns the bearer token. */
  async signUpAndLogin(): Promise<{ token: string; userId: string; email: string }> {
    const email = `${uniqueName('shopper')}@example.test`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    await this.expectStatus('signup', [201], this.request('POST', '/api/users/signup', { body: { email, password, displayName: 'E2E Shopper' } }));
    const login = await this.expectStatus<{ accessToken: string; user: { id: string } }>(
      'login',
      [200],
      this.request('POST', '/api/users/login', { body: { email, password } }),
    );
    return { token: login.accessToken, userId: login.user.id, email };
  }

  /** Creates a product in catalog (admin API through the gateway) and gives it `stock` units on hand. */
  async createProduct(options: { priceCents?: number; stock?: number; name?: string } = {}): Promise<string> {
    const token = await this.adminToken();
    if (!this.categoryId) {
      const slug = `e2e-${randomBytes(4).toString('hex')}`;
      const category = await this.expectStatus<{ id: string }>(
        'create category',
        [201],
        this.request('POST', '/api/catalog/categories', { token, body: { slug, name: 'End-to-end' } }),
      );
      this.categoryId = category.id;
    }
    const sku = `E2E-${randomBytes(6).toString('hex').toUpperCase()}`;
    const product = await this.expectStatus<{ id: string }>(
      'create product',
      [201],
      this.request('POST', '/api/catalog/products', {
        token,
        body: { sku, name: options.name ?? `Product ${sku}`, categoryId: this.categoryId, priceCents: options.priceCents ?? 1999, currency: 'EUR' },
      }),
    );
    if (options.stock !== undefined) await this.setStock(product.id, options.stock);
    return product.id;
  }

  /** Stock take: sets the units on hand (inventory's admin API through the gateway). */
  async setStock(productId: string, onHand: number): Promise<void> {
    await this.expectStatus('stock take', [200, 201], this.request('PUT', `/api/inventory/stock/${productId}`, { token: await this.adminToken(), body: { onHand } }));
  }

  /** The product's stock as the public stock API shows it. */
  async stock(productId: string): Promise<StockLevel> {
    return this.expectStatus<StockLevel>('stock read', [200], this.request('GET', `/api/inventory/stock/${productId}`));
  }

  async placeOrder(token: string, order: OrderRequest): Promise<HttpResult<OrderView>> {
    return this.request<OrderView>('POST', '/api/orders/orders', { token, body: { shipping: DEFAULT_SHIPPING, ...order } });
  }

  /** Places an order and expects it accepted (202); returns its id. */
  async placeAcceptedOrder(token: string, order: OrderRequest): Promise<string> {
    const placed = await this.placeOrder(token, order);
    if (placed.status !== 202) throw new Error(`order not accepted: HTTP ${placed.status} ${JSON.stringify(placed.body)}`);
    return placed.body.id;
  }

  async order(token: string, orderId: string): Promise<OrderView> {
    return this.expectStatus<OrderView>('order read', [200], this.request('GET', `/api/orders/orders/${orderId}`, { token }));
  }

  async orderEvents(token: string, orderId: string): Promise<unknown> {
    return this.expectStatus('order events read', [200], this.request('GET', `/api/orders/orders/${orderId}/events`, { token }));
  }

  /** Polls the order until it is confirmed or cancelled. */
  async waitForTerminal(token: string, orderId: string, timeoutMs = 60_000): Promise<OrderView> {
    return waitFor(
      `order ${orderId} confirmed or cancelled`,
      async () => {
        const order = await this.order(token, orderId);
        return isTerminal(order) ? order : false;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  /**
   * Waits until every order is confirmed or cancelled, polling the pending ones a few at a time
   * (fifty pollers at once would be load of their own on a small machine).
   */
  async waitForAllTerminal(token: string, orderIds: readonly string[], timeoutMs = 180_000): Promise<OrderView[]> {
    const done = new Map<string, OrderView>();
    await waitFor(
      `${orderIds.length} orders confirmed or cancelled`,
      async () => {
        const pending = orderIds.filter((id) => !done.has(id));
        for (let i = 0; i < pending.length; i += 8) {
          const views = await Promise.all(pending.slice(i, i + 8).map((id) => this.order(token, id)));
          for (const view of views) if (isTerminal(view)) done.set(view.id, view);
        }
        if (done.size < orderIds.length) throw new Error(`${orderIds.length - done.size} still pending`);
        return true;
      },
      { timeoutMs, intervalMs: 500 },
    );
    return orderIds.map((id) => done.get(id)!);
  }

  /** A service's /metrics text (straight from the service, not through the gateway). */
  async metrics(name: ShopService): Promise<string> {
    return (await fetch(`${this.url(name)}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  }
}

/**
 * A free loopback port *below* the kernel's ephemeral range (32768–60999 here). Ports from
 * `listen(0)` come from that range, where every other test on the machine picks its ports and
 * where outgoing connections take their local ports; the shop holds its ports for minutes (and
 * restarts psp on the same one), so one taken by someone else in between would point a service
 * at a stranger. Picked at random from 20000–31999 and checked free.
 */
async function reservedPort(taken: ReadonlySet<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 20000–31999');
}

export function isTerminal(order: OrderView): boolean {
  return order.status === 'confirmed' || order.status === 'cancelled';
}

/** The value of one series in Prometheus text, 0 when absent. `labels` must all match. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const seriesLabels = new Map<string, string>();
    for (const m of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) seriesLabels.set(m[1] ?? '', m[2] ?? '');
    if (Object.entries(labels).every(([k, v]) => seriesLabels.get(k) === v)) {
      total += Number(match[4]);
      found = true;
    }
  }
  return found ? total : 0;
}
