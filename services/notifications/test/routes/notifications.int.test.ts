// GET /notifications through app.inject against real PostgreSQL: who sees what, filters, keyset
// pages, and bad input answered with 4xx problems.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '@shopwatch/testkit';
import { insertNotifications } from '../../src/plugins/notification-store.ts';
import { startNotifications, type NotificationsFixture } from '../support/notifications-fixture.ts';

let f: NotificationsFixture;
beforeAll(async () => {
  f = await startNotifications();
  // Stored directly (the dispatcher is not started here): 5 for alice, 2 for bob.
  const rows = [];
  for (let i = 0; i < 7; i++) {
    const userId = i < 5 ? 'alice' : 'bob';
    rows.push({
      eventId: crypto.randomUUID(),
      eventType: 'shop.orders.order.placed',
      channel: 'email' as const,
      template: 'order_placed',
      message: `order ${i}`,
      orderId: `order-${i}`,
      userId,
      sourceTopic: 'shop.orders.events.v1',
      envelope: {},
      at: new Date(Date.now() + i),
    });
  }
  await insertNotifications(f.pool, rows);
});
afterAll(() => f?.close());

type Page = { items: { orderId: string; userId: string; status: string; attempts: number; channel: string; nextAttemptAt: string | null }[]; nextCursor: string | null };

describe('GET /notifications', () => {
  it('shoppers see their own, newest first, in keyset pages', async () => {
    const alice = await f.token('alice');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await f.app.inject({ method: 'GET', url, headers: alice });
      expect(res.statusCode).toBe(200);
      const page = res.json<Page>();
      expect(page.items.every((i) => i.userId === 'alice')).toBe(true);
      seen.push(...page.items.map((i) => i.orderId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['order-4', 'order-3', 'order-2', 'order-1', 'order-0']);
    const own = await f.app.inject({ method: 'GET', url: '/notifications?userId=alice', headers: alice });
    expect(own.json<Page>().items).toHaveLength(5);
    expect(own.json<Page>().items[0]).toMatchObject({ status: 'pending', attempts: 0, channel: 'email' });
  });

  it("shoppers may not read another user's; admins read anyone's or everyone's", async () => {
    const forbidden = await f.app.inject({ method: 'GET', url: '/notifications?userId=bob', headers: await f.token('alice') });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.headers['content-type']).toMatch(/^application\/problem\+json/);
    const admin = await f.token('root', 'admin');
    expect((await f.app.inject({ method: 'GET', url: '/notifications?userId=bob', headers: admin })).json<Page>().items.map((i) => i.userId)).toEqual(['bob', 'bob']);
    expect((await f.app.inject({ method: 'GET', url: '/notifications?limit=100', headers: admin })).json<Page>().items).toHaveLength(7);
    expect((await f.app.inject({ method: 'GET', url: '/notifications?channel=sms', headers: admin })).json<Page>().items).toHaveLength(0);
    expect((await f.app.inject({ method: 'GET', url: '/notifications?status=sent', headers: admin })).json<Page>().items).toHaveLength(0);
  });
});


describe('bad input', () => {
  it('refuses missing, malformed and foreign tokens', async () => {
    for (const authorization of [undefined, 'Bearer', 'Bearer not.a.token', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'a'.repeat(5000)}`]) {
      expectProblem(await f.app.inject({ method: 'GET', url: '/notifications', headers: authorization ? { authorization } : {} }), 'client', String(authorization).slice(0, 20));
    }
  });

  it('refuses malformed queries', async () => {
    const admin = await f.token('root', 'admin');
    const queries = [
      'limit=0',
      'limit=-1',
      'limit=101',
      'limit=1.5',
      'limit=abc',
      'limit=1e21',
      'limit=9007199254740993',
      'channel=fax',
      'status=lost',
      'userId=',
      'userId=has%20space',
      `userId=${'u'.repeat(101)}`,
      'orderId=%00',
      'cursor=!!!',
      `cursor=${'a'.repeat(300)}`,
      'cursor=YWJj',
      'unknown=1',
      'userId=a&userId=b',
    ];
    for (const query of queries) expectProblem(await f.app.inject({ method: 'GET', url: `/notifications?${query}`, headers: admin }), 'client', query);
  });

  it('unknown routes and methods are problems too', async () => {
    const admin = await f.token('root', 'admin');
    expectProblem(await f.app.inject({ method: 'POST', url: '/notifications', headers: { ...admin, 'content-type': 'application/json' }, payload: '{}' }), 'client', 'POST');
    expectProblem(await f.app.inject({ method: 'GET', url: '/notifications/123', headers: admin }), 'client', 'by id');
    expectProblem(await f.app.inject({ method: 'DELETE', url: '/notifications', headers: admin }), 'client', 'DELETE');
  });
});
