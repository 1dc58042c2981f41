// At-least-once delivery and bad messages across the whole saga, with the real processes:
// - every message on every saga topic (commands, replies, the orders' facts) is delivered twice —
//   a re-producer copies each one back onto its partition — and the outcome is what it would be
//   with one delivery: the same statuses, stock taken once, each payment authorised and captured
//   once, one confirmed/cancelled fact per order;
// - garbage on each saga topic goes to the dead-letter topic with its reason and the consumers
//   keep going (a later order still confirms).
import { DEAD_LETTER_HEADERS, DEAD_LETTER_TOPIC, makeEvent } from '@shopwatch/contracts';
import { type Collector, produceRaw, startCollector, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPY_HEADER, startRedeliverer, type Redeliverer } from './support/redeliver.ts';
import { metricValue, Shop, type OrderView } from './support/shop.ts';

let shop: Shop;
let token: string;
let redeliverer: Redeliverer | undefined;
let facts: Collector | undefined;
let deadLetters: Collector | undefined;

beforeAll(async () => {
  shop = await Shop.start({ label: 'redelivery' });
  redeliverer = await startRedeliverer(shop.brokers, Object.values(shop.topics));
  facts = await startCollector(shop.brokers, [shop.topics.ordersEvents]);
  deadLetters = await startCollector(shop.brokers, [DEAD_LETTER_TOPIC]);
  token = (await shop.signUpAndLogin()).token;
}, 240_000);

afterAll(async () => {
  await redeliverer?.stop();
  await facts?.stop();
  await deadLetters?.stop();
  await shop?.stop();
}, 120_000);

async function placeAndWait(items: { productId: string; quantity: number }[], cardToken?: string): Promise<OrderView> {
  const id = await shop.placeAcceptedOrder(token, { items, ...(cardToken ? { cardToken } : {}) });
  return shop.waitForTerminal(token, id, 90_000);
}

describe('every saga message delivered twice', { timeout: 240_000 }, () => {
  it('ends every order exactly as with one delivery, with one effect per command', async () => {
    const plenty = await shop.createProduct({ priceCents: 1_000, stock: 10 });
    const scarce = await shop.createProduct({ priceCents: 3_000, stock: 1 });
    const declinedProduct = await shop.createProduct({ priceCents: 700, stock: 5 });
    const pspBefore = await shop.metrics('psp');

    const orders = await Promise.all([
      placeAndWait([{ productId: plenty, quantity: 2 }]),
      placeAndWait([{ productId: plenty, quantity: 3 }]),
      placeAndWait([{ productId: scarce, quantity: 2 }]),
      placeAndWait([{ productId: declinedProduct, quantity: 1 }], 'tok_decline'),
    ]);
    expect(orders.map((o) => [o.status, o.reason ?? null, o.failedStep ?? null])).toEqual([
      ['confirmed', null, null],
      ['confirmed', null, null],
      ['cancelled', 'out_of_stock', 'reserve_stock'],
      ['cancelled', 'declined', 'authorize_payment'],
    ]);

    // Stock taken once per confirmed order, released for the declined one.
    for (const [productId, onHand] of [
      [plenty, 5],
      [scarce, 1],
      [declinedProduct, 5],
    ] as const) {
      await waitFor(`stock of ${productId} settled at ${onHand}`, async () => {
        const stock = await shop.stock(productId);
        return stock.onHand === onHand && stock.reserved === 0;
      }, { timeoutMs: 30_000, intervalMs: 200 });
    }

    // psp saw one authorisation per order that reached payment and one capture per confirmed order.
    const pspAfter = await shop.metrics('psp');
    const psp = (operation: string, outcome: string) =>
      metricValue(pspAfter, 'shop_psp_operations_total', { operation, outcome }) - metricValue(pspBefore, 'shop_psp_operations_total', { operation, outcome });
    expect(psp('authorize', 'authorized')).toBe(2);
    expect(psp('authorize', 'declined')).toBe(1);
    expect(psp('capture', 'captured')).toBe(2);

    // One milestone fact per order (copies aside): exactly one confirmed or cancelled each.
    await waitFor('terminal facts published', () => terminalFacts().length >= 4, { timeoutMs: 30_000 });
    const perOrder = new Map<string, number>();
    for (const fact of terminalFacts()) perOrder.set(fact.subject, (perOrder.get(fact.subject) ?? 0) + 1);
    for (const o of orders) expect(perOrder.get(o.id), o.id).toBe(1);

    // The copies really arrived: every consumer skipped duplicates through its inbox.
    for (const name of ['orders', 'inventory', 'payments', 'shipping'] as const) {
      expect(metricValue(await shop.metrics(name), 'inbox_duplicates_skipped_total'), name).toBeGreaterThan(0);
    }
    for (const topic of Object.values(shop.topics)) expect(redeliverer!.copied.get(topic) ?? 0, topic).toBeGreaterThan(0);
  });
});

function terminalFacts(): { id: string; type: string; subject: string }[] {
  return (facts?.records ?? [])
    .filter((r) => r.headers[COPY_HEADER] === undefined)
    .map((r) => JSON.parse(r.text ?? '{}') as { id: string; type: string; subject: string })
    .filter((e) => e.type === 'shop.orders.order.confirmed' || e.type === 'shop.orders.order.cancelled');
}

describe('poison messages', { timeout: 240_000 }, () => {
  it('dead-letters garbage on every saga topic with its reason, and the saga keeps going', async () => {
    const orderId = crypto.randomUUID();
    const now = () => new Date();
    // A well-formed envelope whose payload breaks its schema, for each topic's own types.
    const invalidPayload: Record<keyof Shop['topics'], string> = {
      inventoryCommands: 'shop.inventory.stock.reserve',
      inventoryEvents: 'shop.inventory.stock.reserved',
      paymentsCommands: 'shop.payments.payment.authorize',
      paymentsEvents: 'shop.payments.payment.authorized',
      shippingCommands: 'shop.shipping.shipment.create',
      shippingEvents: 'shop.shipping.shipment.created',
      ordersEvents: 'shop.orders.order.confirmed',
    };
    for (const [key, topic] of Object.entries(shop.topics) as [keyof Shop['topics'], string][]) {
      const valid = makeEvent('shop.orders.order.placed', orderId, { orderId, userId: 'u', items: [{ productId: 'p', quantity: 1, unitPriceCents: 1 }], totalCents: 1, currency: 'EUR' }, { source: '/e2e', now });
      const broken = { ...valid, type: invalidPayload[key], data: { orderId, nonsense: true } };
      await produceRaw(shop.brokers, topic, [
        { key: orderId, value: Buffer.from([0xff, 0xfe, 0x00, 0x01]) },
        { key: orderId, value: '{"not": "an envelope"' },
        { key: orderId, value: JSON.stringify(broken) },
      ]);
    }

    const expectedConsumer: Record<keyof Shop['topics'], string> = {
      inventoryCommands: shop.groups.inventory,
      paymentsCommands: shop.groups.payments,
      shippingCommands: shop.groups.shipping,
      ordersEvents: shop.groups.shipping,
      inventoryEvents: shop.groups.orders,
      paymentsEvents: shop.groups.orders,
      shippingEvents: shop.groups.orders,
    };
    for (const [key, topic] of Object.entries(shop.topics) as [keyof Shop['topics'], string][]) {
      const letters = await waitFor(
        `three dead letters from ${topic}`,
        () => {
          const mine = (deadLetters?.records ?? []).filter(
            (r) => r.headers[DEAD_LETTER_HEADERS.originalTopic] === topic && r.headers[DEAD_LETTER_HEADERS.consumerGroup] === expectedConsumer[key],
          );
          const reasons = new Set(mine.map((r) => r.headers[DEAD_LETTER_HEADERS.reason]));
          return reasons.size >= 2 && mine.length >= 3 ? mine : false;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      for (const letter of letters) {
        expect(['unparseable', 'invalid-envelope', 'invalid-payload', 'unknown-type', 'handler-rejected']).toContain(letter.headers[DEAD_LETTER_HEADERS.reason]);
      }
      const reasons = letters.map((r) => r.headers[DEAD_LETTER_HEADERS.reason]);
      expect(reasons, topic).toContain('unparseable');
      expect(reasons, topic).toContain('invalid-payload');
    }

    // The consumers moved past the garbage: a new order goes all the way through.
    const productId = await shop.createProduct({ stock: 2 });
    const done = await placeAndWait([{ productId, quantity: 1 }]);
    expect(done.status).toBe('confirmed');
  });
});
