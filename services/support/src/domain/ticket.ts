// The ticket state machine. Pure: no I/O, time passed in.
//
//   open ──agent reply──▶ answered ──shopper reply──▶ open
//     │                     │
//     └──────resolve────────┴──▶ resolved ──shopper reply (not yet rated)──▶ open (reopened)
//                                   │
//                                   └──rate (once, by the shopper)──▶ resolved + rated (closed for good)
//
// - `open` means the ticket waits for an agent, `answered` that it waits for the shopper.
// - The first agent reply ever sets the first-response time; later replies do not move it.
// - An agent cannot reply to a resolved ticket (the shopper reopens it by replying); a rated
//   ticket is closed for good: further replies are refused and the shopper opens a new ticket.

export const TICKET_STATUSES = ['open', 'answered', 'resolved'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_CATEGORIES = ['order', 'payment', 'shipping', 'returns', 'product', 'account', 'other'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

/** Who acts on a ticket: the shopper who opened it, or a support agent (admin role). */
export type Actor = 'shopper' | 'agent';

export interface TicketState {
  status: TicketStatus;
  createdAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  rated: boolean;
}

export type TicketAction = { kind: 'reply'; actor: Actor } | { kind: 'resolve'; actor: Actor } | { kind: 'rate'; actor: Actor };

export interface TransitionResult {
  status: TicketStatus;
  /** Set when this action is the first agent response: seconds since the ticket was opened. */
  firstResponseSeconds?: number;
  /** Set when this action resolves the ticket: seconds since it was opened. */
  resolutionSeconds?: number;
  /** True when a shopper's reply reopened a resolved ticket. */
  reopened?: boolean;
}

export type Transition = { ok: true; result: TransitionResult } | { ok: false; reason: IllegalReason; detail: string };

export type IllegalReason = 'ticket_resolved' | 'ticket_rated' | 'already_resolved' | 'not_resolved' | 'already_rated' | 'not_the_shopper';

function seconds(from: Date, to: Date): number {
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}

function illegal(reason: IllegalReason, detail: string): Transition {
  return { ok: false, reason, detail };
}

/** What `action` at `now` does to a ticket in `state`, or why it is not allowed. */
export function transition(state: TicketState, action: TicketAction, now: Date): Transition {
  switch (action.kind) {
    case 'reply': {
      if (action.actor === 'agent') {
        if (state.status === 'resolved') return illegal('ticket_resolved', 'The ticket is resolved; the shopper reopens it by replying.');
        const first = state.firstResponseAt === null;
        return { ok: true, result: { status: 'answered', ...(first ? { firstResponseSeconds: seconds(state.createdAt, now) } : {}) } };
      }
      if (state.status === 'resolved') {
        if (state.rated) return illegal('ticket_rated', 'The ticket is resolved and rated; please open a new ticket.');
        return { ok: true, result: { status: 'open', reopened: true } };
      }
      return { ok: true, result: { status: 'open' } };
    }
    case 'resolve': {
      if (state.status === 'resolved') return illegal('already_resolved', 'The ticket is already resolved.');
      return { ok: true, result: { status: 'resolved', resolutionSeconds: seconds(state.createdAt, now) } };
    }
    case 'rate': {
      if (action.actor !== 'shopper') return illegal('not_the_shopper', 'Only the shopper who opened the ticket rates it.');
      if (state.rated) return illegal('already_rated', 'The ticket has already been rated.');
      if (state.status !== 'resolved') return illegal('not_resolved', 'A ticket can be rated once it is resolved.');
      return { ok: true, result: { status: 'resolved' } };
    }
  }
}

/** Whether a rating counts as satisfied for CSAT (4 or 5 out of 5). */
export function isSatisfied(score: number): boolean {
  return score >= 4;
}
