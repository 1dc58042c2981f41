// payments as a saga participant over real Kafka and PostgreSQL, with a real psp app: commands in,
// replies out through the outbox, redeliveries without a second effect, poison messages
// dead-lettered while the consumer carries on. Topics are unique to this file.
import { makeEvent, type ShopEvent } from '@shopwatch/contracts';
import {
  createEventProducer,
  createKafkaClient,
  deleteTopics,
  ensureTopics,
  inboxMetrics,
  startEventConsumer,
  startOutboxRelay,
  type EventConsumer,
  type EventProducer,
  type KafkaClient,
  type OutboxRelay,
} from '@shopwatch/platform';
import { type Collector, infraEnv, produceRaw, startCollector, uniqueName, waitFor } from '@shopwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyEventId } from '../../src/domain/payment.ts';
import { createCommandHandler } from '../../src/plugins/command-handler.ts';
import { startPayments, type PaymentsFixture } from '../support/payments-fixture.ts';

const brokers = infraEnv().kafkaBrokers;
const base = uniqueName('test.payments');
const commandsTopic = `${base}.commands`;
const repliesTopic = `${base}.replies`;
const deadLetterTopic = `${base}.deadletter`;
const group = `${base}-group`;

/** The handler waits out a psp outage this long after a command was sent. */
const OUTAGE_GRACE_MS = 10_000;

let f: PaymentsFixture;
let client: KafkaClient;
let commands: EventProducer;
let relayProducer: EventProducer;
let relay: OutboxRelay;
let consumer: EventConsumer;
let collector: Collector;

beforeAll(async () => {
  f = await startPayments();
  client = createKafkaClient({ brokers, clientId: 'payments-participant-test' });
  await ensureTopics(client, [{ topic: commandsTopic, partitions: 1 }, { topic: repliesTopic, partitions: 1 }, { topic: deadLetterTopic, partitions: 1 }]);
  collector = await startCollector(brokers, [repliesTopic, deadLetterTopic]);
  commands = createEventProducer({ client, registry: f.app.metrics.registry, topicOf: () => commandsTopic });
  await commands.connect();
  relayProducer = createEventProducer({ client, registry: f.app.metrics.registry });
  await relayProducer.connect();
  relay = startOutboxRelay({ pool: f.pool, producer: relayProducer, registry: f.app.metrics.registry, pollIntervalMs: 200 });
  consumer = await startEventConsumer({
    client,
    groupId: group,
    topics: [commandsTopic],
    registry: f.app.metrics.registry,
    fromBeginning: true,
    deadLetterTopic,
    retry: { initialDelayMs: 20, maxDelayMs: 200 },
    handler: createCommandHandler({ pool: f.pool, service: f.app.payments, consumerGroup: group, now: () => new Date(), repliesTopic, inboxMetrics: inboxMetrics(f.app.metrics.registry), pspOutageGraceMs: OUTAGE_GRACE_MS }),
  });
});

afterAll(async () => {
  await consumer?.stop();
  await relay?.stop();
  await relayProducer?.disconnect();
  await commands?.disconnect();
  await collector?.stop();
  if (client) await deleteTopics(client, [commandsTopic, repliesTopic, deadLetterTopic]);
  await f?.close();
});

const source = '/services/orders';
const now = () => new Date();
let orders = 0;
const newOrder = () => `order-${++orders}-${Date.now().toString(36)}`;

function authorizeCommand(orderId: string, extra: { cardToken?: string; idempotencyKey?: string; amountCents?: number; sentMsAgo?: number } = {}) {
  const sentAt = extra.sentMsAgo === undefined ? now : () => new Date(Date.now() - (extra.sentMsAgo ?? 0));
  return makeEvent('shop.payments.payment.authorize', orderId, { orderId, amountCents: extra.amountCents ?? 2500, currency: 'EUR', idempotencyKey: extra.idempotencyKey ?? `pay-${orderId}`, ...(extra.cardToken ? { cardToken: extra.cardToken } : {}) }, { source, now: sentAt });
}

interface Reply {
  event: ShopEvent & { data: { commandId: string; orderId: string; reason?: string; paymentId?: string } };
  key: string | null;
}

function replies(): Reply[] {
  return collector.records
    .filter((r) => r.topic === repliesTopic && r.text !== null)
    .map((r) => ({ event: JSON.parse(r.text!) as Reply['event'], key: r.key }));
}
const repliesTo = (command: ShopEvent) => replies().filter((r) => r.event.data.commandId === command.id);
const replyTo = (command: ShopEvent) => waitFor(`reply to ${command.type} ${command.id}`, () => repliesTo(command)[0], { timeoutMs: 30_000 });
/** What psp itself saw for an order (payments passes the order id as psp's reference). */
const pspAuthorizationsFor = (orderId: string) => f.psp.store.withReference(orderId).length;

describe('saga commands → replies', () => {
  it('authorise then capture: authorized and captured replies keyed by the order, ids derived from the commands', async () => {
    const orderId = newOrder();
    const authorize = authorizeCommand(orderId);
    await commands.publish([authorize]);
    const authorized = await replyTo(authorize);
    expect(authorized.key).toBe(orderId);
    expect(authorized.event).toMatchObject({ type: 'shop.payments.payment.authorized', subject: orderId, id: replyEventId(authorize.id), data: { orderId, commandId: authorize.id, amountCents: 2500, currency: 'EUR' } });

    const capture = makeEvent('shop.payments.payment.capture', orderId, { orderId }, { source, now });
    await commands.publish([capture]);
    const captured = await replyTo(capture);
    expect(captured.event).toMatchObject({ type: 'shop.payments.payment.captured', data: { orderId, commandId: capture.id, paymentId: authorized.event.data.paymentId } });
    const pspId = (await f.pool.query<{ psp_authorization_id: string }>('SELECT psp_authorization_id FROM payments WHERE order_id = $1', [orderId])).rows[0]!.psp_authorization_id;
    expect(f.psp.store.get(pspId)?.status).toBe('captured');
  });

  it('a declined card answers authorization-failed with reason declined, with one psp call', async () => {
    const orderId = newOrder();
    const retriesBefore = await f.metric('shop_payments_psp_retries_total');
    const authorize = authorizeCommand(orderId, { cardToken: 'tok_decline' });
    await commands.publish([authorize]);
    const reply = await replyTo(authorize);
    expect(reply.event).toMatchObject({ type: 'shop.payments.payment.authorization-failed', data: { orderId, commandId: authorize.id, reason: 'declined' } });
    expect(pspAuthorizationsFor(orderId)).toBe(1);
    expect(await f.metric('shop_payments_psp_retries_total')).toBe(retriesBefore);
  });

  it('void compensates an authorisation; a void for an order without a payment still answers voided', async () => {
    const orderId = newOrder();
    const authorize = authorizeCommand(orderId);
    const voidCommand = makeEvent('shop.payments.payment.void', orderId, { orderId, reason: 'shipment_failed' }, { source, now });
    await commands.publish([authorize, voidCommand]);
    const authorized = await replyTo(authorize);
    const voided = await replyTo(voidCommand);
    expect(voided.event).toMatchObject({ type: 'shop.payments.payment.voided', data: { orderId, commandId: voidCommand.id, paymentId: authorized.event.data.paymentId } });
    const { rows } = await f.pool.query<{ status: string; psp_authorization_id: string }>('SELECT status, psp_authorization_id FROM payments WHERE order_id = $1', [orderId]);
    expect(rows[0]?.status).toBe('voided');
    expect(f.psp.store.get(rows[0]!.psp_authorization_id)?.status).toBe('voided');

    const nobody = newOrder();
    const orphanVoid = makeEvent('shop.payments.payment.void', nobody, { orderId: nobody, reason: 'step_timeout' }, { source, now });
    await commands.publish([orphanVoid]);
    const reply = await replyTo(orphanVoid);
    expect(reply.event.type).toBe('shop.payments.payment.voided');
    expect(reply.event.data.paymentId).toBeUndefined();

    const captureAfterVoid = makeEvent('shop.payments.payment.capture', orderId, { orderId }, { source, now });
    await commands.publish([captureAfterVoid]);
    expect((await replyTo(captureAfterVoid)).event).toMatchObject({ type: 'shop.payments.payment.capture-failed', data: { reason: 'not_authorized' } });
  });

  it('psp unreachable past the outage grace: authorization-failed with reason psp_unavailable', async () => {
    const orderId = newOrder();
    await f.psp.stop();
    try {
      const authorize = authorizeCommand(orderId, { sentMsAgo: OUTAGE_GRACE_MS + 5_000 });
      await commands.publish([authorize]);
      expect((await replyTo(authorize)).event).toMatchObject({ type: 'shop.payments.payment.authorization-failed', data: { orderId, reason: 'psp_unavailable' } });
    } finally {
      await f.psp.start();
    }
  });
});

describe('refund', () => {
  it('refunds a captured payment once: a re-sent refund (new event id) answers refunded again without a second psp refund', async () => {
    const orderId = newOrder();
    const authorize = authorizeCommand(orderId);
    const capture = makeEvent('shop.payments.payment.capture', orderId, { orderId }, { source, now });
    await commands.publish([authorize, capture]);
    const captured = await replyTo(capture);
    const refundsBefore = await f.metric('shop_payments_outcomes_total', { operation: 'refund', outcome: 'refunded' });
    const refund = makeEvent('shop.payments.payment.refund', orderId, { orderId, reason: 'reservation_expired' }, { source, now });
    await commands.publish([refund]);
    const refunded = await replyTo(refund);
    expect(refunded.key).toBe(orderId);
    expect(refunded.event).toMatchObject({ type: 'shop.payments.payment.refunded', id: replyEventId(refund.id), data: { orderId, commandId: refund.id, paymentId: captured.event.data.paymentId, amountCents: 2500, currency: 'EUR' } });
    expect(f.psp.store.withReference(orderId).map((a) => a.status)).toEqual(['refunded']);

    // The saga re-sends after a timeout under a new event id: the same answer, no second refund.
    const again = makeEvent('shop.payments.payment.refund', orderId, { orderId, reason: 'reservation_expired' }, { source, now });
    await commands.publish([again]);
    expect((await replyTo(again)).event).toMatchObject({ type: 'shop.payments.payment.refunded', data: { commandId: again.id, paymentId: captured.event.data.paymentId } });
    expect(await f.metric('shop_payments_outcomes_total', { operation: 'refund', outcome: 'refunded' })).toBe(refundsBefore + 1);
    const { rows } = await f.pool.query<{ status: string }>('SELECT h.status FROM payment_status_history h JOIN payments p ON p.id = h.payment_id WHERE p.order_id = $1 ORDER BY h.seq', [orderId]);
    expect(rows.map((r) => r.status)).toEqual(['pending', 'authorized', 'captured', 'refunded']);
  });

  it('a payment never captured, or no payment at all, answers refund-failed with the reason', async () => {
    const orderId = newOrder();
    const authorize = authorizeCommand(orderId);
    const refund = makeEvent('shop.payments.payment.refund', orderId, { orderId, reason: 'step_timeout' }, { source, now });
    await commands.publish([authorize, refund]);
    expect((await replyTo(refund)).event).toMatchObject({ type: 'shop.payments.payment.refund-failed', data: { orderId, reason: 'not_captured' } });
    expect(f.psp.store.withReference(orderId).map((a) => a.status)).toEqual(['authorized']);
    const nobody = newOrder();
    const orphan = makeEvent('shop.payments.payment.refund', nobody, { orderId: nobody, reason: 'step_timeout' }, { source, now });
    await commands.publish([orphan]);
    expect((await replyTo(orphan)).event).toMatchObject({ type: 'shop.payments.payment.refund-failed', data: { orderId: nobody, reason: 'payment_not_found' } });
  });
});

describe('a psp outage shorter than the grace', () => {
  it('holds an authorise (retried, no reply) until psp is back, then answers authorized with one psp authorisation', async () => {
    const orderId = newOrder();
    const retriesBefore = await f.metric('kafka_handler_retries_total', { topic: commandsTopic });
    await f.psp.stop();
    const authorize = authorizeCommand(orderId);
    try {
      await commands.publish([authorize]);
      await waitFor('authorise retried', async () => (await f.metric('kafka_handler_retries_total', { topic: commandsTopic })) >= retriesBefore + 2, { timeoutMs: 30_000 });
      expect(repliesTo(authorize)).toHaveLength(0);
      const { rows } = await f.pool.query<{ status: string }>('SELECT status FROM payments WHERE order_id = $1', [orderId]);
      expect(rows.map((row) => row.status)).toEqual(['pending']);
    } finally {
      await f.psp.start();
    }
    const reply = await replyTo(authorize);
    expect(reply.event).toMatchObject({ type: 'shop.payments.payment.authorized', data: { orderId } });
    expect(repliesTo(authorize)).toHaveLength(1);
    expect(f.psp.store.withReference(orderId).map((a) => a.status)).toEqual(['authorized']);
  });
});

describe('compensation during a psp outage', () => {
  it('a void that cannot reach psp is retried (holding its partition) until psp is back, then answered voided', async () => {
    const orderId = newOrder();
    const authorize = authorizeCommand(orderId);
    await commands.publish([authorize]);
    const authorized = await replyTo(authorize);
    const retriesBefore = await f.metric('kafka_handler_retries_total', { topic: commandsTopic });
    await f.psp.stop();
    const voidCommand = makeEvent('shop.payments.payment.void', orderId, { orderId, reason: 'step_timeout' }, { source, now });
    try {
      await commands.publish([voidCommand]);
      await waitFor('void retried', async () => (await f.metric('kafka_handler_retries_total', { topic: commandsTopic })) >= retriesBefore + 2, { timeoutMs: 30_000 });
      expect(repliesTo(voidCommand)).toHaveLength(0);
    } finally {
      await f.psp.start();
    }
    const voided = await replyTo(voidCommand);
    expect(voided.event).toMatchObject({ type: 'shop.payments.payment.voided', data: { paymentId: authorized.event.data.paymentId } });
    expect(f.psp.store.withReference(orderId).map((a) => a.status)).toEqual(['voided']);
  });
});

describe('redelivery and idempotency', () => {
  it('the same authorise command delivered twice makes one psp authorisation and one reply', async () => {
    const orderId = newOrder();
    const authorize = authorizeCommand(orderId);
    const duplicatesBefore = await f.metric('inbox_duplicates_skipped_total');
    await commands.publish([authorize]);
    await commands.publish([authorize]);
    // One partition: once a later command is answered, both copies have been handled.
    const sentinel = authorizeCommand(newOrder());
    await commands.publish([sentinel]);
    await replyTo(sentinel);
    await waitFor('relay drained', async () => Number((await f.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0]?.n) === 0);
    expect(repliesTo(authorize)).toHaveLength(1);
    expect(pspAuthorizationsFor(orderId)).toBe(1);
    expect(await f.metric('inbox_duplicates_skipped_total')).toBe(duplicatesBefore + 1);
  });

  it('a new command reusing an idempotency key gets the same payment, without a second charge', async () => {
    const orderId = newOrder();
    const first = authorizeCommand(orderId, { idempotencyKey: `reuse-${orderId}` });
    const second = authorizeCommand(orderId, { idempotencyKey: `reuse-${orderId}` });
    await commands.publish([first, second]);
    const [a, b] = [await replyTo(first), await replyTo(second)];
    expect(a.event.type).toBe('shop.payments.payment.authorized');
    expect(b.event.type).toBe('shop.payments.payment.authorized');
    expect(b.event.data.paymentId).toBe(a.event.data.paymentId);
    expect(b.event.id).not.toBe(a.event.id);
    expect(pspAuthorizationsFor(orderId)).toBe(1);

    const conflicting = authorizeCommand(orderId, { idempotencyKey: `reuse-${orderId}`, amountCents: 9999 });
    await commands.publish([conflicting]);
    expect((await replyTo(conflicting)).event).toMatchObject({ type: 'shop.payments.payment.authorization-failed', data: { reason: 'idempotency_conflict' } });
  });
});

describe('poison messages', () => {
  it('dead-letters unparseable and invalid commands with the reason and keeps consuming', async () => {
    const orderId = newOrder();
    const invalid = { ...authorizeCommand(orderId), data: { orderId, amountCents: 0, currency: 'EUR', idempotencyKey: 'k' } };
    const wrongType = makeEvent('shop.payments.payment.voided', orderId, { orderId, commandId: authorizeCommand(orderId).id }, { source, now });
    await produceRaw(brokers, commandsTopic, [
      { key: orderId, value: 'this is not json' },
      { key: orderId, value: JSON.stringify(invalid) },
      { key: orderId, value: JSON.stringify(wrongType) },
    ]);
    const next = authorizeCommand(orderId);
    await commands.publish([next]);
    expect((await replyTo(next)).event.type).toBe('shop.payments.payment.authorized');
    const deadLetters = await waitFor('three dead letters', () => {
      const found = collector.records.filter((r) => r.topic === deadLetterTopic && r.key === orderId);
      return found.length >= 3 && found;
    }, { timeoutMs: 30_000 });
    expect(deadLetters.map((r) => r.headers['dlq-reason'])).toEqual(['unparseable', 'invalid-payload', 'handler-rejected']);
    expect(deadLetters[1]?.headers['dlq-detail']).toContain('/amountCents');
    expect(deadLetters[2]?.headers['dlq-detail']).toContain('does not handle shop.payments.payment.voided');
    expect(deadLetters.every((r) => r.headers['dlq-original-topic'] === commandsTopic)).toBe(true);
  });
});

describe('the platform classifier on payments commands', () => {
  it('a command PostgreSQL refuses as data (SQLSTATE 22021, a NUL in the order id) is dead-lettered with the SQLSTATE; the partition keeps flowing', async () => {
    // Valid for the contract (order ids are any 1–100 characters), refused by PostgreSQL's text type on every try.
    const poisonOrder = `order-\u0000-${Date.now().toString(36)}`;
    const poison = authorizeCommand(poisonOrder, { idempotencyKey: `poison-${Date.now().toString(36)}` });
    const next = authorizeCommand(newOrder());
    await commands.publish([poison, next]);
    expect((await replyTo(next)).event.type).toBe('shop.payments.payment.authorized');
    const letter = await waitFor('the poison command dead-lettered', () => collector.records.find((r) => r.topic === deadLetterTopic && r.text?.includes(poison.id)), { timeoutMs: 30_000 });
    expect(letter.headers['dlq-reason']).toBe('handler-rejected');
    expect(letter.headers['dlq-detail']).toContain('SQLSTATE 22021');
    expect(repliesTo(poison)).toHaveLength(0);
    expect(pspAuthorizationsFor(poisonOrder)).toBe(0);
  });
});

