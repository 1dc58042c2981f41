// Tickets through app.inject against a real PostgreSQL database: the conversation, the state
// machine's 409s, who may see and do what, and the metrics each step moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { startSupport, type SupportFixture } from '../support/support-fixture.ts';

let f: SupportFixture;
beforeAll(async () => {
  f = await startSupport();
});
afterAll(() => f?.close());

interface TicketBody {
  id: string;
  userId: string;
  status: string;
  category: string;
  orderId: string | null;
  assigneeId: string | null;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  reopenedCount: number;
  rating: { score: number; comment: string | null } | null;
  messages?: Array<{ authorRole: string; authorId: string; body: string }>;
}

async function open(who: { authorization: string }, body: Record<string, unknown> = {}): Promise<TicketBody> {
  const res = await f.app.inject({ method: 'POST', url: '/tickets', headers: who, payload: { subject: 'Where is my parcel?', message: 'It has been a week.', category: 'shipping', ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const post = (who: { authorization: string }, url: string, payload?: Record<string, unknown>) =>
  f.app.inject({ method: 'POST', url, headers: who, ...(payload ? { payload } : {}) });

describe('the conversation', () => {
  it('opens a ticket with the first message; the agent answers, the shopper resolves and rates', async () => {
    const openedBefore = await f.metric('shop_support_tickets_opened_total', { category: 'shipping' });
    const ticket = await open(f.alice, { orderId: 'order-123' });
    expect(ticket).toMatchObject({ userId: 'user-alice', status: 'open', category: 'shipping', orderId: 'order-123', firstResponseAt: null, rating: null });
    expect(ticket.messages).toEqual([expect.objectContaining({ authorRole: 'shopper', authorId: 'user-alice', body: 'It has been a week.' })]);
    expect(await f.metric('shop_support_tickets_opened_total', { category: 'shipping' })).toBe(openedBefore + 1);

    const firstBefore = await f.histogram('shop_support_first_response_seconds', 'count', { category: 'shipping' });
    const firstSumBefore = await f.histogram('shop_support_first_response_seconds', 'sum', { category: 'shipping' });
    f.clock.advance(120_000);
    const answered = await post(f.agent, `/tickets/${ticket.id}/replies`, { message: 'It left our warehouse today.' });
    expect(answered.statusCode, answered.body).toBe(201);
    const afterAnswer = answered.json<TicketBody>();
    expect(afterAnswer.status).toBe('answered');
    expect(afterAnswer.firstResponseAt).not.toBeNull();
    expect(afterAnswer.messages?.map((m) => m.authorRole)).toEqual(['shopper', 'agent']);
    expect(await f.histogram('shop_support_first_response_seconds', 'count', { category: 'shipping' })).toBe(firstBefore + 1);
    const firstSum = (await f.histogram('shop_support_first_response_seconds', 'sum', { category: 'shipping' })) - firstSumBefore;
    expect(firstSum).toBeGreaterThanOrEqual(120);
    expect(firstSum).toBeLessThan(120 + 60);

    // A second agent reply does not measure a first response again.
    f.clock.advance(60_000);
    expect((await post(f.agent, `/tickets/${ticket.id}/replies`, { message: 'Tracking: PARCEL-1' })).statusCode).toBe(201);
    expect(await f.histogram('shop_support_first_response_seconds', 'count', { category: 'shipping' })).toBe(firstBefore + 1);
    expect((await post(f.alice, `/tickets/${ticket.id}/replies`, { message: 'Thanks!' })).json<TicketBody>().status).toBe('open');

    const resolvedBefore = await f.metric('shop_support_tickets_resolved_total', { category: 'shipping' });
    const resolutionBefore = await f.histogram('shop_support_resolution_seconds', 'count', { category: 'shipping' });
    const resolved = await post(f.alice, `/tickets/${ticket.id}/resolve`);
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json<TicketBody>()).toMatchObject({ status: 'resolved' });
    expect(await f.metric('shop_support_tickets_resolved_total', { category: 'shipping', by: 'shopper' })).toBeGreaterThanOrEqual(1);
    expect(await f.metric('shop_support_tickets_resolved_total', { category: 'shipping' })).toBe(resolvedBefore + 1);
    expect(await f.histogram('shop_support_resolution_seconds', 'count', { category: 'shipping' })).toBe(resolutionBefore + 1);

    const satisfiedBefore = await f.histogram('shop_support_satisfaction', 'count');
    const rated = await post(f.alice, `/tickets/${ticket.id}/rating`, { score: 5, comment: 'Quick and kind' });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json<TicketBody>().rating).toMatchObject({ score: 5, comment: 'Quick and kind' });
    expect(await f.histogram('shop_support_satisfaction', 'count')).toBe(satisfiedBefore + 1);
    const metrics = await f.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^shop_support_satisfaction_bucket\{le="3",service="support",category="shipping"\} 0$/m);
    expect(metrics.body).toMatch(/^shop_support_satisfaction_bucket\{le="5",service="support",category="shipping"\} 1$/m);

    const read = await f.app.inject({ method: 'GET', url: `/tickets/${ticket.id}`, headers: f.alice });
    expect(read.json<TicketBody>().messages?.map((m) => m.authorRole)).toEqual(['shopper', 'agent', 'agent', 'shopper']);

    // Opening and resolving wrote facts to the outbox (same transactions), keyed by the ticket.
    const { rows } = await f.pool.query<{ event_type: string; topic: string; event_key: string; envelope: { data: Record<string, unknown> } }>(
      'SELECT event_type, topic, event_key, envelope FROM outbox WHERE event_key = $1 ORDER BY seq',
      [ticket.id],
    );
    expect(rows.map((r) => [r.event_type, r.topic])).toEqual([
      ['shop.support.ticket.opened', 'shop.support.events.v1'],
      ['shop.support.ticket.resolved', 'shop.support.events.v1'],
    ]);
    expect(rows[0]?.envelope.data).toEqual({ ticketId: ticket.id, userId: 'user-alice', category: 'shipping', orderId: 'order-123' });
    expect(rows[1]?.envelope.data).toMatchObject({ ticketId: ticket.id, resolvedBy: 'shopper', category: 'shipping' });
    expect(rows[1]?.envelope.data['firstResponseSeconds']).toBeGreaterThanOrEqual(120);
    expect(rows[1]?.envelope.data['resolutionSeconds']).toBeGreaterThanOrEqual(180);
    expect(JSON.stringify(rows)).not.toContain('It has been a week');
  });

  it('a shopper reply reopens a resolved ticket; once rated it stays closed', async () => {
    const ticket = await open(f.alice, { category: 'returns' });
    expect((await post(f.agent, `/tickets/${ticket.id}/resolve`)).statusCode).toBe(200);
    const reopened = await post(f.alice, `/tickets/${ticket.id}/replies`, { message: 'Actually, not solved.' });
    expect(reopened.json<TicketBody>()).toMatchObject({ status: 'open', resolvedAt: null, reopenedCount: 1 });
    expect(await f.metric('shop_support_tickets_reopened_total', { category: 'returns' })).toBe(1);
    expect((await post(f.agent, `/tickets/${ticket.id}/resolve`)).statusCode).toBe(200);
    expect((await post(f.alice, `/tickets/${ticket.id}/rating`, { score: 2 })).statusCode).toBe(200);
    const closed = expectProblem(await post(f.alice, `/tickets/${ticket.id}/replies`, { message: 'Hello?' }), 409, 'reply after rating');
    expect(closed['reason']).toBe('ticket_rated');
  });

  it('illegal transitions are 409 problems and change nothing', async () => {
    const ticket = await open(f.alice, { category: 'payment' });
    expect(expectProblem(await post(f.alice, `/tickets/${ticket.id}/rating`, { score: 4 }), 409, 'rate before resolve')['reason']).toBe('not_resolved');
    expect((await post(f.alice, `/tickets/${ticket.id}/resolve`)).statusCode).toBe(200);
    expect(expectProblem(await post(f.agent, `/tickets/${ticket.id}/resolve`), 409, 'resolve twice')['reason']).toBe('already_resolved');
    expect(expectProblem(await post(f.agent, `/tickets/${ticket.id}/replies`, { message: 'late' }), 409, 'agent reply after resolve')['reason']).toBe('ticket_resolved');
    expect(expectProblem(await post(f.agent, `/tickets/${ticket.id}/assign`), 409, 'assign resolved')['reason']).toBe('ticket_resolved');
    expect((await post(f.alice, `/tickets/${ticket.id}/rating`, { score: 4 })).statusCode).toBe(200);
    expect(expectProblem(await post(f.alice, `/tickets/${ticket.id}/rating`, { score: 1 }), 409, 'rate twice')['reason']).toBe('already_rated');
    const read = (await f.app.inject({ method: 'GET', url: `/tickets/${ticket.id}`, headers: f.alice })).json<TicketBody>();
    expect(read.rating?.score).toBe(4);
    expect(read.messages).toHaveLength(1);
  });
});

describe('permissions', () => {
  it('another shopper\'s ticket is a 404 for every route; an unknown id too', async () => {
    const ticket = await open(f.alice);
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const id of [ticket.id, unknown]) {
      expectProblem(await f.app.inject({ method: 'GET', url: `/tickets/${id}`, headers: f.bob }), 404, 'read');
      expectProblem(await post(f.bob, `/tickets/${id}/replies`, { message: 'hi' }), 404, 'reply');
      expectProblem(await post(f.bob, `/tickets/${id}/resolve`), 404, 'resolve');
      expectProblem(await post(f.bob, `/tickets/${id}/rating`, { score: 5 }), 404, 'rate');
      expectProblem(await post(f.bob, `/tickets/${id}/assign`), 404, 'assign');
    }
    const list = (await f.app.inject({ method: 'GET', url: '/tickets', headers: f.bob })).json<{ items: TicketBody[] }>();
    expect(list.items.some((t) => t.id === ticket.id)).toBe(false);
    expect((await f.app.inject({ method: 'GET', url: `/tickets/${ticket.id}`, headers: f.alice })).statusCode).toBe(200);
  });

  it('a shopper cannot act as an agent (assign → 403); an agent cannot rate a shopper\'s ticket (403)', async () => {
    const ticket = await open(f.alice);
    expectProblem(await post(f.alice, `/tickets/${ticket.id}/assign`), 403, 'shopper assigns');
    const assigned = await post(f.agent, `/tickets/${ticket.id}/assign`);
    expect(assigned.json<TicketBody>().assigneeId).toBe('agent-1');
    expect((await post(f.agent, `/tickets/${ticket.id}/resolve`)).statusCode).toBe(200);
    expectProblem(await post(f.agent, `/tickets/${ticket.id}/rating`, { score: 5 }), 403, 'agent rates');
  });

  it('no token → 401 on every route; agents list every ticket and filter by status', async () => {
    for (const [method, url] of [['GET', '/tickets'], ['POST', '/tickets'], ['GET', '/tickets/00000000-0000-4000-8000-000000000000']] as const) {
      expectProblem(await f.app.inject({ method, url }), 401, `${method} ${url}`);
    }
    const bobs = await open(f.bob, { category: 'account' });
    const all = (await f.app.inject({ method: 'GET', url: '/tickets?limit=100', headers: f.agent })).json<{ items: TicketBody[]; total: number }>();
    expect(all.items.some((t) => t.id === bobs.id)).toBe(true);
    expect(new Set(all.items.map((t) => t.userId))).toEqual(new Set(['user-alice', 'user-bob']));
    const open_ = (await f.app.inject({ method: 'GET', url: '/tickets?status=open&limit=100', headers: f.agent })).json<{ items: TicketBody[]; total: number }>();
    expect(open_.items.every((t) => t.status === 'open')).toBe(true);
    expect(open_.total).toBe(open_.items.length);
    const mine = (await f.app.inject({ method: 'GET', url: '/tickets', headers: f.bob })).json<{ items: TicketBody[] }>();
    expect(mine.items.map((t) => t.userId)).toEqual(['user-bob']);
  });
});

describe('open-tickets gauge', () => {
  it('is counted from the database at scrape time, by status', async () => {
    const { rows } = await f.pool.query<{ status: string; n: string }>("SELECT status, count(*) AS n FROM support_tickets WHERE status <> 'resolved' GROUP BY status");
    const expected = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    expect(await f.metric('shop_support_tickets_open', { status: 'open' })).toBe(expected['open'] ?? 0);
    expect(await f.metric('shop_support_tickets_open', { status: 'answered' })).toBe(expected['answered'] ?? 0);
    const ticket = await open(f.bob);
    expect(await f.metric('shop_support_tickets_open', { status: 'open' })).toBe((expected['open'] ?? 0) + 1);
    await post(f.agent, `/tickets/${ticket.id}/replies`, { message: 'On it.' });
    expect(await f.metric('shop_support_tickets_open', { status: 'answered' })).toBe((expected['answered'] ?? 0) + 1);
  });
});
