// The shopper journeys, as data (name, what it does, whether it signs in) plus one small async
// function each. Every journey starts on the front page, as a visitor does.
import { chooseSearchTerm } from '../domain/catalogue.ts';
import type { ScenarioName } from '../domain/mix.ts';
import { ScenarioFailure } from '../domain/outcome.ts';
import type { AnalyticsEvent, Scenario, ScenarioContext } from './context.ts';
import { PATHS } from './paths.ts';
import { landing, listProducts, pickProduct, productPage, search, stock } from './steps.ts';

export interface ScenarioDefinition {
  description: string;
  signedIn: boolean;
  run: Scenario;
}

const DESTINATIONS = [
  { country: 'DE', postalCode: '10115', city: 'Berlin' },
  { country: 'FR', postalCode: '75001', city: 'Paris' },
  { country: 'NL', postalCode: '1012', city: 'Amsterdam' },
  { country: 'AT', postalCode: '1010', city: 'Wien' },
  { country: 'ES', postalCode: '28001', city: 'Madrid' },
  { country: 'IT', postalCode: '20121', city: 'Milano' },
  { country: 'BE', postalCode: '1000', city: 'Bruxelles' },
  { country: 'DK', postalCode: '1050', city: 'København' },
  { country: 'GB', postalCode: 'SW1A 1AA', city: 'London' },
  { country: 'CH', postalCode: '8001', city: 'Zürich' },
  { country: 'US', postalCode: '10001', city: 'New York' },
] as const;

const TICKETS = [
  { category: 'order', subject: 'Where is my order?', message: 'I ordered a few days ago and have not received a shipping confirmation yet. Could you check?' },
  { category: 'shipping', subject: 'Change delivery address', message: 'I would like my parcel delivered to my office instead. Is that still possible?' },
  { category: 'payment', subject: 'Charged twice?', message: 'My bank statement shows two pending charges for one order. Can you confirm only one will be captured?' },
  { category: 'product', subject: 'Question about materials', message: 'Is the handle dishwasher safe, and does the product come with a warranty?' },
  { category: 'returns', subject: 'Returning a gift', message: 'I received this as a gift and would like to return it. How do I get a return label?' },
  { category: 'account', subject: 'Update my e-mail address', message: 'How can I change the e-mail address on my account?' },
  { category: 'other', subject: 'Gift wrapping', message: 'Do you offer gift wrapping and a personal note with the parcel?' },
] as const;

/** Weight used for shipping quotes when the catalogue does not say (grams per unit). */
const UNIT_WEIGHT_GRAMS = 750;

async function browse(ctx: ScenarioContext): Promise<void> {
  const events: AnalyticsEvent[] = [{ type: 'page_view', path: '/' }];
  let seen = await landing(ctx);
  await ctx.think();
  const categories = await ctx.send({ step: 'categories', method: 'GET', path: PATHS.categories, sessionId: ctx.sessionId, expect: [200] });
  const slugs = ((categories.body as { items?: { slug?: unknown }[] }).items ?? []).map((c) => c.slug).filter((s): s is string => typeof s === 'string');
  ctx.catalogue.learnCategories(slugs);
  if (slugs.length > 0) {
    const slug = ctx.random.pick(slugs);
    const sort = ctx.random.pick(['newest', 'price_asc', 'price_desc', 'name'] as const);
    let page = await listProducts(ctx, 'category_page', { category: slug, sort, limit: 12 });
    events.push({ type: 'page_view', path: `/c/${slug}` });
    if (page.nextCursor && ctx.random.chance(0.3)) {
      await ctx.think();
      page = await listProducts(ctx, 'next_page', { category: slug, sort, limit: 12, cursor: page.nextCursor });
      events.push({ type: 'page_view', path: `/c/${slug}` });
    }
    if (page.products.length > 0) seen = page.products;
  }
  const visits = ctx.random.between(1, 3);
  for (let i = 0; i < visits; i++) {
    await ctx.think();
    const product = await productPage(ctx, pickProduct(ctx, seen).id);
    if (product) events.push({ type: 'product_view', productId: product.id });
  }
  await ctx.beacon(events);
}

async function searchJourney(ctx: ScenarioContext): Promise<void> {
  await landing(ctx);
  await ctx.think();
  const q = chooseSearchTerm(ctx.catalogue, () => ctx.random.next());
  const hits = await search(ctx, q);
  const events: AnalyticsEvent[] = [{ type: 'page_view', path: '/' }, { type: 'search', query: q, results: hits.length }];
  const opens = hits.length === 0 ? 0 : ctx.random.between(1, Math.min(2, hits.length));
  for (let i = 0; i < opens; i++) {
    await ctx.think();
    const product = await productPage(ctx, ctx.random.pick(hits).id);
    if (product) events.push({ type: 'product_view', productId: product.id });
  }
  await ctx.beacon(events);
}

/** Looks at a product, checks it is in stock and puts it in the cart (the cart lives in the browser). */
async function cart(ctx: ScenarioContext): Promise<void> {
  const seen = await landing(ctx);
  await ctx.think();
  const product = await productPage(ctx, pickProduct(ctx, seen).id);
  if (!product) return ctx.beacon([{ type: 'page_view', path: '/' }]);
  await stock(ctx, product.id);
  await ctx.think();
  await ctx.beacon([{ type: 'page_view', path: '/' }, { type: 'product_view', productId: product.id }, { type: 'add_to_cart', productId: product.id }]);
}

/** Signed in: picks one or two products in stock, asks for a shipping quote, orders and waits for the outcome. */
async function checkout(ctx: ScenarioContext): Promise<void> {
  const shopper = await ctx.signedInShopper();
  const seen = await landing(ctx);
  const basket = new Map<string, number>();
  const wanted = ctx.random.between(1, 2);
  for (let attempt = 0; attempt < wanted + 2 && basket.size < wanted; attempt++) {
    await ctx.think();
    const product = await productPage(ctx, pickProduct(ctx, seen).id);
    if (!product) continue;
    const available = await stock(ctx, product.id);
    // Out of stock: a shopper moves on. No stock record yet: buy anyway (the saga answers).
    if (available === 0) continue;
    basket.set(product.id, Math.min(ctx.random.between(1, 2), available ?? 2));
  }
  if (basket.size === 0) basket.set(pickProduct(ctx, seen).id, 1);
  const items = [...basket].map(([productId, quantity]) => ({ productId, quantity }));
  await ctx.beacon(items.map((i) => ({ type: 'add_to_cart', productId: i.productId })));

  const destination = ctx.random.pick(DESTINATIONS);
  const method = ctx.random.chance(0.2) ? 'express' : 'standard';
  const units = items.reduce((sum, i) => sum + i.quantity, 0);
  await ctx.think();
  await ctx.send({
    step: 'quote',
    method: 'POST',
    path: PATHS.quotes,
    body: { destination: { ...destination }, weightGrams: units * UNIT_WEIGHT_GRAMS, method },
    expect: [200],
  });
  await ctx.beacon([{ type: 'checkout_started' }]);

  const placed = await ctx.send({
    step: 'place_order',
    method: 'POST',
    path: PATHS.orders,
    token: shopper.token,
    // As the storefront does: a retried click must not order twice.
    headers: { 'idempotency-key': `${ctx.sessionId}-order` },
    body: { items, shipping: { ...destination, method } },
    expect: [201, 202],
  });
  const orderId = (placed.body as { id?: unknown }).id;
  if (typeof orderId !== 'string') throw new ScenarioFailure('unexpected_response', 'place_order', 'order answer without id');
  if ((await waitForOrder(ctx, orderId, shopper.token)) === 'confirmed') await ctx.beacon([{ type: 'purchase_completed' }]);
}

async function waitForOrder(ctx: ScenarioContext, orderId: string, token: string): Promise<'confirmed' | 'cancelled'> {
  const deadline = ctx.now() + ctx.orderTimeoutMs;
  for (;;) {
    await ctx.sleep(ctx.orderPollMs);
    const answer = await ctx.send({ step: 'order_status', method: 'GET', path: PATHS.order(orderId), token, expect: [200] });
    const status = (answer.body as { status?: unknown }).status;
    if (status === 'confirmed' || status === 'cancelled') {
      ctx.recordOrder(status);
      return status;
    }
    if (ctx.now() >= deadline) {
      ctx.recordOrder('timeout');
      throw new ScenarioFailure('order_timeout', 'order_status', `order ${orderId} still ${String(status)} after ${ctx.orderTimeoutMs} ms`);
    }
  }
}

/** A new visitor creates an account, logs in and looks at the profile. */
async function signup(ctx: ScenarioContext): Promise<void> {
  await landing(ctx);
  await ctx.think();
  const shopper = await ctx.signUpShopper();
  await ctx.send({ step: 'profile', method: 'GET', path: PATHS.me, token: shopper.token, expect: [200] });
}

/** A signed-in shopper contacts support. */
async function support(ctx: ScenarioContext): Promise<void> {
  const shopper = await ctx.signedInShopper();
  await landing(ctx);
  await ctx.think();
  const ticket = ctx.random.pick(TICKETS);
  await ctx.send({ step: 'ticket', method: 'POST', path: PATHS.tickets, token: shopper.token, body: { ...ticket }, expect: [200, 201, 202] });
  await ctx.beacon([{ type: 'support_contacted' }]);
}

export const SCENARIO_DEFINITIONS: Record<ScenarioName, ScenarioDefinition> = {
  browse: { description: 'front page, categories, a category page (sometimes the next), one to three product pages', signedIn: false, run: browse },
  search: { description: 'front page, a search with catalogue words (sometimes one that finds nothing), one or two hits', signedIn: false, run: searchJourney },
  cart: { description: 'front page, a product page, its stock, add to cart (a click event)', signedIn: false, run: cart },
  checkout: { description: 'signed in: products in stock, a shipping quote, an order, its status until confirmed or cancelled', signedIn: true, run: checkout },
  signup: { description: 'front page, sign up, log in, profile', signedIn: false, run: signup },
  support: { description: 'signed in: front page, a contact-support ticket', signedIn: true, run: support },
};

