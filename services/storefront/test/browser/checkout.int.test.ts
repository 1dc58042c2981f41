// Checkout in a real browser against the whole shop: every service as a real process (the
// end-to-end harness in test/e2e: own databases, saga topics and consumer groups), the storefront
// behind the gateway, and headless Chromium. A shopper adds a stocked product to the cart, signs
// up, gets a shipping quote, places the order and watches it become confirmed; a second order for
// a product that ran out in the meantime is shown cancelled with the reason.
import { existsSync } from 'node:fs';
import type { ServiceProcess } from '@shopwatch/testkit';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// eslint-disable-next-line shopwatch/no-cross-workspace-import -- the shop starter moves into @shopwatch/testkit (startShop) once test/e2e/support/shop.ts settles
import { Shop } from '../../../../test/e2e/support/shop.ts';
import { buildForTest, type TestBuild } from '../support/built-app.ts';
import { buttonNamed, clickWhenReady, linkNamed } from '../support/browser.ts';
import { spawnStorefront } from '../support/storefront-process.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const WAIT = { timeout: 30_000 };
/** A saga on a loaded two-core machine can take a while; the status page polls meanwhile. */
const SAGA = { timeout: 120_000 };

let build: TestBuild;
let storefront: ServiceProcess;
let shop: Shop;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  build = await buildForTest();
  storefront = await spawnStorefront(build.outDir);
  shop = await Shop.start({ label: 'storefront', env: { gateway: { STOREFRONT_URL: storefront.url } } });
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--disable-extensions'],
    protocolTimeout: 60_000,
  });
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT.timeout);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await shop?.stop();
  if (storefront && storefront.child.exitCode === null) {
    storefront.child.kill('SIGTERM');
    await storefront.exited;
  }
  build?.remove();
}, 120_000);

const clickLink = (text: string) => clickWhenReady(page, linkNamed(text), WAIT.timeout);
const clickButton = (text: string) => clickWhenReady(page, buttonNamed(text), WAIT.timeout);

async function textOf(selector: string): Promise<string> {
  return page.$eval(selector, (e) => (e.textContent ?? '').trim());
}

async function addToCart(productId: string, name: string, expectedStock: RegExp): Promise<void> {
  await page.goto(`${shop.gatewayUrl}/products/${productId}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction((n: string) => document.querySelector('h1')?.textContent === n, WAIT, name);
  await page.waitForSelector('[data-testid="stock"]', WAIT);
  expect(await textOf('[data-testid="stock"]')).toMatch(expectedStock);
  await page.click('.add-form button[type="submit"]');
  await page.waitForSelector('.message:not(:empty)', WAIT);
}

async function checkout(): Promise<string> {
  await clickLink('Cart (1)');
  await clickLink('Checkout');
  await page.waitForSelector('#postalCode', WAIT);
  await page.type('#postalCode', '10115');
  await page.type('#city', 'Berlin');
  await clickButton('Show shipping cost');
  await page.waitForSelector('[data-testid="quote"]', WAIT);
  expect(await textOf('[data-testid="quote"]')).toMatch(/^Shipping \(standard\): €\d+\.\d\d, about \d+(–\d+)? days/);
  await clickButton('Place order');
  await page.waitForFunction(() => /^\/orders\/[0-9a-f-]{36}$/.test(location.pathname), WAIT);
  return new URL(page.url()).pathname.split('/')[2]!;
}

describe('checkout in Chromium against the whole shop', () => {
  it('places an order and shows it confirmed', async () => {
    const productId = await shop.createProduct({ priceCents: 2500, stock: 5, name: 'Storefront Test Lamp' });
    await addToCart(productId, 'Storefront Test Lamp', /^In stock \(5 available\)$/);

    await clickLink('Sign up');
    await page.waitForSelector('#displayName', WAIT);
    await page.type('#displayName', 'Checkout Shopper');
    await page.type('#email', `checkout.${Date.now()}@example.test`);
    await page.type('#password', 'a long enough password');
    await page.click('main form button[type="submit"]');
    await page.waitForSelector('[data-testid="signed-in-as"]', WAIT);

    const orderId = await checkout();
    await page.waitForFunction(() => document.querySelector('[data-testid="order-status"]')?.textContent?.startsWith('Confirmed'), SAGA);
    expect(await textOf('[data-testid="order-status"]')).toBe('Confirmed: thank you! Your order is on its way.');
    expect(await page.$eval('.order', (e) => e.textContent)).toContain('Total: €25.00');
    await page.waitForFunction(() => document.querySelector('.order li')?.textContent === '1 × Storefront Test Lamp at €25.00', WAIT);
    expect(await textOf('[data-testid="cart-link"]')).toBe('Cart (0)');
    expect(await shop.stock(productId)).toMatchObject({ onHand: 4, reserved: 0 });

    await clickLink('All your orders');
    await page.waitForSelector('table.orders tbody tr', WAIT);
    const row = await page.$eval('table.orders tbody tr', (tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim()));
    expect(row[0]).toBe(orderId.slice(0, 8));
    expect(row[2]).toBe('confirmed');
    expect(row[3]).toBe('€25.00');
  });

  it('shows a cancelled order with its reason when the stock ran out meanwhile', async () => {
    const productId = await shop.createProduct({ priceCents: 1200, stock: 1, name: 'Storefront Last Mug' });
    await addToCart(productId, 'Storefront Last Mug', /^(In stock \(1 available\)|Only 1 left)$/);
    // Someone else bought the last one.
    await shop.setStock(productId, 0);
    await checkout();
    await page.waitForFunction(() => document.querySelector('[data-testid="order-status"]')?.textContent?.startsWith('Cancelled'), SAGA);
    expect(await textOf('[data-testid="order-status"]')).toBe('Cancelled: Some items are out of stock.');

    // The product page now says so and will not add it.
    await page.goto(`${shop.gatewayUrl}/products/${productId}`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid="stock"]', WAIT);
    expect(await textOf('[data-testid="stock"]')).toBe('Out of stock');
    expect(await page.$eval('.add-form button[type="submit"]', (b) => (b).disabled)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
