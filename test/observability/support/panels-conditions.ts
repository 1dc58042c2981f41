// The conditions under which some panels have data (the `requires` of the spec files and of the
// cross-service dashboards). Each acts through the shop's own APIs or Kafka, harms nothing and
// leaves nothing to undo: no service is stopped, no fault file changed. Each names the services it
// calls; the test waits for their readiness before and after, and repeats the action until every
// panel that needs it shows data (a counter series that appears at 1 has a rate only from the
// next increment on, so one round is seldom enough).
import { randomUUID } from 'node:crypto';
import { infraEnv, produceRaw } from '@shopwatch/testkit';
import { call, devToken, devUrl, expectCall } from './panels-shop.ts';

export interface Condition {
  name: string;
  /** What it does, for the test's output. */
  description: string;
  /** Services it calls: ready before and after it runs. */
  uses: readonly string[];
  /** One round of the action. */
  act(): Promise<void>;
}

/** Clicks from another loopback address: the burst spends a rate-limit budget nobody else uses. */
const BURST_ADDRESS = '127.0.0.3';

const apiReads: Condition = {
  name: 'api-reads',
  description: 'a visitor loads the web shop, an operator reads loadgen /control, people read payments and notifications',
  uses: ['storefront', 'loadgen', 'payments', 'notifications'],
  async act() {
    const shopper = randomUUID();
    await expectCall(`${devUrl('storefront')}/`, [200]);
    await expectCall(`${devUrl('loadgen')}/control`, [200]);
    await expectCall(`${devUrl('payments')}/payments/${randomUUID()}`, [404], { token: await devToken('admin', randomUUID()) });
    await expectCall(`${devUrl('notifications')}/notifications?limit=5`, [200], { token: await devToken('customer', shopper) });
  },
};

const unauthenticatedCalls: Condition = {
  name: 'unauthenticated-calls',
  description: 'signed-in routes called through the gateway without a token and with a forged one (401)',
  uses: ['gateway', 'users'],
  async act() {
    await expectCall(`${devUrl('gateway')}/api/users/me`, [401], { from: BURST_ADDRESS });
    await expectCall(`${devUrl('gateway')}/api/users/me`, [401], { from: BURST_ADDRESS, token: 'not-a-token' });
  },
};

const loginBurst: Condition = {
  name: 'login-burst',
  description: 'logins with unknown e-mails through the gateway until its auth rate limit answers 429',
  uses: ['gateway', 'users'],
  async act() {
    let refused = 0;
    let limited = 0;
    for (let i = 0; i < 60 && limited === 0; i++) {
      const answer = await call(`${devUrl('gateway')}/api/users/login`, {
        method: 'POST',
        from: BURST_ADDRESS,
        body: { email: `nobody-${randomUUID()}@panels.shopwatch.test`, password: 'not-the-password' },
      });
      if (answer.status === 401) refused++;
      else if (answer.status === 429) limited++;
      else throw new Error(`login answered ${answer.status}, expected 401 or 429: ${JSON.stringify(answer.body)}`);
    }
    if (refused === 0 && limited === 0) throw new Error('no login was refused');
  },
};

const supportConversation: Condition = {
  name: 'support-conversation',
  description: 'a shopper opens a ticket, an agent replies, the shopper resolves and rates it',
  uses: ['support'],
  async act() {
    const shopper = await devToken('customer', randomUUID());
    const agent = await devToken('admin', randomUUID());
    const ticket = (await expectCall(`${devUrl('support')}/tickets`, [201], {
      method: 'POST',
      token: shopper,
      body: { subject: 'Where is my parcel?', message: 'It has not arrived yet.', category: 'shipping' },
    })) as { id: string };
    await expectCall(`${devUrl('support')}/tickets/${ticket.id}/replies`, [201], { method: 'POST', token: agent, body: { message: 'It is on its way.' } });
    await expectCall(`${devUrl('support')}/tickets/${ticket.id}/resolve`, [200], { method: 'POST', token: shopper, body: {} });
    await expectCall(`${devUrl('support')}/tickets/${ticket.id}/rating`, [200, 201], { method: 'POST', token: shopper, body: { score: 5 } });
  },
};

const poisonMessage: Condition = {
  name: 'poison-message',
  description: 'a message that is no event on the support topic: analytics dead-letters it and keeps going',
  uses: ['analytics'],
  async act() {
    await produceRaw(infraEnv().kafkaBrokers, 'shop.support.events.v1', [{ key: `panels-${randomUUID()}`, value: 'not an event' }]);
  },
};

export const CONDITIONS: readonly Condition[] = [apiReads, unauthenticatedCalls, loginBurst, supportConversation, poisonMessage];

export function condition(name: string): Condition {
  const found = CONDITIONS.find((c) => c.name === name);
  if (!found) throw new Error(`panels require an unknown condition "${name}"; known: ${CONDITIONS.map((c) => c.name).join(', ')}`);
  return found;
}
