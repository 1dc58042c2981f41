// The shop in a real browser: Debian's Chromium (headless, driven by puppeteer-core) opens the
// gateway's `/`, which serves the storefront build, and the app talks to the real catalog and users
// services through the gateway. Checked: products render, the category filter and paging work,
// search finds a product, add to cart, sign up, sign out and log in, a support ticket is opened,
// click events are accepted by the real analytics service, and a service that is down (orders)
// shows its problem to the shopper instead of breaking the page.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSeed, migrateCatalog } from '@shopwatch/catalog';
import { createPool } from '@shopwatch/platform';
import { createTestDatabase, infraEnv, spawnService, uniqueName, waitFor, type ServiceProcess, type TestDatabase } from '@shopwatch/testkit';
import puppeteer, { type Browser, type HTTPRequest, type HTTPResponse, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildForTest, type TestBuild } from '../support/built-app.ts';
import { clickWhenReady, linkNamed } from '../support/browser.ts';
import { spawnStorefront } from '../support/storefront-process.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const server = (service: string) => fileURLToPath(new URL(`../../../${service}/src/server.ts`, import.meta.url));
const JWT_SECRET = 'storefront-browser-test-secret-32-chars-min';
/** Nothing listens on port 1: every service this test does not start is "down". */
const CLOSED = 'http://127.0.0.1:1';
const WAIT = { timeout: 30_000 };

let build: TestBuild;
const dbs: TestDatabase[] = [];
const processes: ServiceProcess[] = [];
let gateway: ServiceProcess;
let browser: Browser;
let page: Page;
/** Every POST to analytics the page made, with the answer once it came. */
const analyticsCalls: Array<{ body: string; status?: number }> = [];
const callOf = new WeakMap<HTTPRequest, { body: string; status?: number }>();
const pageErrors: string[] = [];

interface ProductSummary {
  id: string;
  name: string;
  priceCents: number;
  categorySlug: string;
}

beforeAll(async () => {
  build = await buildForTest();
  const catalogDb = await createTestDatabase('sf-browser-catalog');
  dbs.push(catalogDb);
  await migrateCatalog(catalogDb.url);
  const pool = createPool({ connectionString: catalogDb.url, max: 2 });
  await loadSeed(pool);
  await pool.end();
  const usersDb = await createTestDatabase('sf-browser-users');
  const supportDb = await createTestDatabase('sf-browser-support');
  const analyticsDb = await createTestDatabase('sf-browser-analytics');
  dbs.push(usersDb, supportDb, analyticsDb);

  const infra = infraEnv();
  const kafka = infra.kafkaBrokers.join(',');
  const topic = uniqueName('test.storefront');
  const [catalog, users, support, analytics, storefront] = await Promise.all([
    spawnService({ name: 'catalog', script: server('catalog'), env: { DATABASE_URL: catalogDb.url, KAFKA_BROKERS: kafka, JWT_SECRET } }),
    spawnService({ name: 'users', script: server('users'), env: { DATABASE_URL: usersDb.url, JWT_SECRET } }),
    spawnService({ name: 'support', script: server('support'), env: { DATABASE_URL: supportDb.url, KAFKA_BROKERS: kafka, JWT_SECRET, EVENTS_TOPIC: `${topic}.support` } }),
    // Only the click-event side of analytics: its domain-event consumer stays off.
    spawnService({
      name: 'analytics',
      script: server('analytics'),
      env: { DATABASE_URL: analyticsDb.url, KAFKA_BROKERS: kafka, JWT_SECRET, EVENT_CONSUMER: 'false', CONSUMER_GROUP: topic, DEAD_LETTER_TOPIC: `${topic}.dlq` },
    }),
    spawnStorefront(build.outDir),
  ]);
  processes.push(catalog, users, support, analytics, storefront);
  gateway = await spawnService({
    name: 'gateway',
    script: server('gateway'),
    env: {
      REDIS_URL: infra.redisUrl,
      JWT_SECRET,
      CATALOG_URL: catalog.url,
      USERS_URL: users.url,
      STOREFRONT_URL: storefront.url,
      INVENTORY_URL: CLOSED,
      ORDERS_URL: CLOSED,
      PAYMENTS_URL: CLOSED,
      SHIPPING_URL: CLOSED,
      NOTIFICATIONS_URL: CLOSED,
      SUPPORT_URL: support.url,
      ANALYTICS_URL: analytics.url,
      // Other suites share Redis and the loopback address; their counts must not limit this one.
      RATE_LIMIT_ENABLED: 'false',
    },
  });
  processes.push(gateway);

  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root in a container: no sandbox; /dev/shm may be tiny.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--disable-extensions'],
    protocolTimeout: 60_000,
  });
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT.timeout);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('request', (request: HTTPRequest) => {
    if (request.url().endsWith('/api/analytics/events') && request.method() === 'POST') {
      const call = { body: request.postData() ?? '' };
      analyticsCalls.push(call);
      callOf.set(request, call);
    }
  });
  page.on('response', (response: HTTPResponse) => {
    const call = callOf.get(response.request());
    if (call) call.status = response.status();
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  for (const p of processes.reverse()) {
    if (p.child.exitCode === null) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  }
  for (const db of dbs) await db.drop();
  build?.remove();
});

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${gateway.url}${path}`);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

async function texts(selector: string): Promise<string[]> {
  return page.$$eval(selector, (elements) => elements.map((e) => (e.textContent ?? '').trim()));
}

const clickLink = (text: string) => clickWhenReady(page, linkNamed(text), WAIT.timeout);

describe('the storefront in Chromium', () => {
  it('lists products through the gateway, filters by category and pages', async () => {
    const first = await api<{ items: ProductSummary[] }>('/api/catalog/products?limit=12');
    await page.goto(`${gateway.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid="product-card"]', WAIT);
    expect(await page.title()).toBe('All products · Shopwatch');
    const names = await texts('[data-testid="product-card"] h2');
    expect(names).toEqual(first.items.map((p) => p.name));
    const prices = await texts('[data-testid="product-card"] .price');
    expect(prices[0]).toBe(`€${(first.items[0]!.priceCents / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`);

    // Category filter: the list becomes that category's products.
    await clickLink('Kitchen');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Kitchen', WAIT);
    const kitchen = await api<{ items: ProductSummary[] }>('/api/catalog/products?limit=12&category=kitchen');
    await page.waitForFunction(
      (expected: string) => Array.from(document.querySelectorAll('[data-testid="product-card"] h2')).map((e) => e.textContent).join('|') === expected,
      WAIT,
      kitchen.items.map((p) => p.name).join('|'),
    );
    expect(new URL(page.url()).search).toBe('?category=kitchen');

    // Paging: the next page shows different products (25 per category, 12 per page).
    await clickLink('Next page');
    await page.waitForFunction(() => new URL(location.href).searchParams.has('cursor'), WAIT);
    await page.waitForFunction(
      (firstPage: string) => {
        const now = Array.from(document.querySelectorAll('[data-testid="product-card"] h2')).map((e) => e.textContent).join('|');
        return now !== '' && now !== firstPage;
      },
      WAIT,
      kitchen.items.map((p) => p.name).join('|'),
    );
    // Back returns to the first page of the category (history routing).
    await page.goBack();
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('cursor'), WAIT);
  });

  it('searches and opens the product page', async () => {
    const product = (await api<{ items: ProductSummary[] }>('/api/catalog/products?limit=1&category=coffee-tea')).items[0]!;
    await page.goto(`${gateway.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#search-input', WAIT);
    await page.type('#search-input', product.name);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.pathname === '/search', WAIT);
    await page.waitForSelector('ul[aria-label="Search results"] [data-testid="product-card"]', WAIT);
    expect(await texts('ul[aria-label="Search results"] h2')).toContain(product.name);

    await clickLink(product.name);
    await page.waitForFunction((name: string) => document.querySelector('h1')?.textContent === name, WAIT, product.name);
    expect(new URL(page.url()).pathname).toBe(`/products/${product.id}`);
    // Inventory is down in this test: the page says so and still lets the shopper buy.
    await page.waitForFunction(() => document.querySelector('.stock')?.textContent?.includes('unavailable'), WAIT);
    expect(await page.$eval('.product-price', (e) => e.textContent)).toMatch(/^€\d/);
  });

  it('adds to the cart, which survives a reload', async () => {
    await page.click('.add-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="cart-link"]')?.textContent === 'Cart (1)', WAIT);
    const input = await page.$('#quantity');
    await input!.click({ count: 3 });
    await page.type('#quantity', '2');
    await page.click('.add-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="cart-link"]')?.textContent === 'Cart (3)', WAIT);

    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.querySelector('[data-testid="cart-link"]')?.textContent === 'Cart (3)', WAIT);
    await clickLink('Cart (3)');
    await page.waitForSelector('[data-testid="cart-line"]', WAIT);
    expect(await page.$$('[data-testid="cart-line"]')).toHaveLength(1);
    expect(await page.$eval('.subtotal', (e) => e.textContent)).toMatch(/^Subtotal \(3 items\): €/);
    // Not signed in: checkout leads to sign-in first.
    expect(await texts('a.button')).toEqual(['Sign in to check out']);
  });

  it('signs up, signs out and logs in again', async () => {
    const email = `${uniqueName('shopper')}@example.com`;
    await clickLink('Sign up');
    await page.waitForSelector('#displayName', WAIT);
    await page.type('#displayName', 'Browser Shopper');
    await page.type('#email', email);
    await page.type('#password', 'a long enough password');
    await page.click('main form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="signed-in-as"]')?.textContent === 'Browser Shopper', WAIT);
    expect(new URL(page.url()).pathname).toBe('/');

    // The same e-mail again is a 409 problem, shown on the form.
    await page.click('::-p-xpath(//button[normalize-space(.)="Sign out"])');
    await clickLink('Sign up');
    await page.waitForSelector('#displayName', WAIT);
    await page.type('#displayName', 'Someone Else');
    await page.type('#email', email);
    await page.type('#password', 'another long password');
    await page.click('main form button[type="submit"]');
    await page.waitForSelector('.problem[role="alert"]', WAIT);
    expect(await page.$eval('.problem', (e) => e.textContent)).toMatch(/email/i);

    // Wrong password, then the right one.
    await clickLink('Sign in');
    await page.waitForSelector('#password', WAIT);
    await page.type('#email', email);
    await page.type('#password', 'not the password');
    await page.click('main form button[type="submit"]');
    await page.waitForSelector('.problem[role="alert"]', WAIT);
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('Sign in');
    await page.click('#password', { count: 3 });
    await page.keyboard.press('Backspace');
    await page.type('#password', 'a long enough password');
    await page.click('main form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="signed-in-as"]')?.textContent === 'Browser Shopper', WAIT);
  });

  it('opens a support ticket', async () => {
    await clickLink('Contact support');
    await page.waitForSelector('#subject', WAIT);
    await page.select('#category', 'shipping');
    await page.type('#subject', 'Where is my parcel?');
    await page.type('#message', 'It has been a week. Could you check, please?');
    await page.click('main form button[type="submit"]');
    await page.waitForSelector('p.success[role="status"]', WAIT);
    expect(await page.$eval('p.success', (e) => e.textContent)).toMatch(/^Thank you, we received your message \(ticket [0-9a-f-]{36}\)/);
    expect(await page.$eval('#subject', (e) => (e as HTMLInputElement).value)).toBe('');
  });

  it('shows the problem when a service is down (orders in this test) and keeps working', async () => {
    await clickLink('Cart (3)');
    await clickLink('Checkout');
    await page.waitForSelector('#postalCode', WAIT);
    await page.type('#postalCode', '10115');
    await page.type('#city', 'Berlin');
    await page.click('::-p-xpath(//button[normalize-space(.)="Place order"])');
    await page.waitForSelector('.problem[role="alert"]', WAIT);
    expect(await page.$eval('.problem', (e) => e.textContent)).toContain('Upstream orders is unavailable');
    // The cart is kept for a retry.
    expect(await page.$eval('[data-testid="cart-link"]', (e) => e.textContent)).toBe('Cart (3)');
  });

  it('sends batched click events that analytics accepts', async () => {
    // One document, SPA navigations only: every event goes out in a batch at most 2 s after it.
    const product = (await api<{ items: ProductSummary[] }>('/api/catalog/products?limit=1&category=kitchen')).items[0]!;
    await page.goto(`${gateway.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid="product-card"]', WAIT);
    const from = analyticsCalls.length;
    await page.type('#search-input', product.name);
    await page.keyboard.press('Enter');
    await page.waitForSelector('ul[aria-label="Search results"] [data-testid="product-card"]', WAIT);
    await clickLink(product.name);
    await page.waitForSelector('.add-form button[type="submit"]', WAIT);
    await page.click('.add-form button[type="submit"]');
    await page.waitForSelector('.message:not(:empty)', WAIT);
    await clickLink('Cart (4)');
    await clickLink('Checkout');
    await page.waitForSelector('#postalCode', WAIT);

    const seen = () => analyticsCalls.slice(from).map((c) => c.body).flatMap((b) => (JSON.parse(b) as { events: Array<{ type: string; sessionId: string; productId?: string; query?: string; results?: number; path?: string }> }).events);
    await waitFor('the checkout_started event sent', () => seen().some((e) => e.type === 'checkout_started'), { timeoutMs: 30_000, intervalMs: 200 });
    const events = seen();
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['page_view', 'search', 'product_view', 'add_to_cart', 'checkout_started']));
    expect({ search: count('search'), product_view: count('product_view'), add_to_cart: count('add_to_cart'), checkout_started: count('checkout_started') }).toEqual({
      search: 1,
      product_view: 1,
      add_to_cart: 1,
      checkout_started: 1,
    });
    expect(events.find((e) => e.type === 'search')).toMatchObject({ query: product.name, results: expect.any(Number) as number });
    expect(events.find((e) => e.type === 'search')!.results).toBeGreaterThan(0);
    // (The home page's view may have gone out before the list was cleared.)
    expect(events.filter((e) => e.type === 'page_view' && e.path !== '/').map((e) => e.path)).toEqual(['/search', `/products/${product.id}`, '/cart', '/checkout']);
    expect(events.find((e) => e.type === 'product_view')!.productId).toBe(product.id);
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
    // The real analytics service took every batch of this test file (strict schema: 202 or 400).
    // (Batches sent while a page unloads may never report their answer to the test, so only
    // this single-document part must have all its answers.)
    const recent = analyticsCalls.slice(from);
    await waitFor('answers to this part\'s batches', () => recent.every((c) => c.status !== undefined), { timeoutMs: 30_000 });
    const statuses = analyticsCalls.flatMap((c) => (c.status === undefined ? [] : [c.status]));
    expect(statuses.length).toBeGreaterThanOrEqual(recent.length);
    expect(new Set(statuses)).toEqual(new Set([202]));
    expect(pageErrors).toEqual([]);
  });
});
