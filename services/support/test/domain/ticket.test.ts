import { describe, expect, it } from 'vitest';
import { isSatisfied, TICKET_CATEGORIES, TICKET_STATUSES, transition, type TicketState } from '../../src/domain/ticket.ts';
import { TicketCategory, TicketStatus } from '../../src/schemas/ticket.ts';

const opened = new Date('2026-11-21T08:00:00.000Z');
const later = (seconds: number) => new Date(opened.getTime() + seconds * 1000);
const state = (over: Partial<TicketState> = {}): TicketState => ({ status: 'open', createdAt: opened, firstResponseAt: null, resolvedAt: null, rated: false, ...over });

describe('ticket state machine', () => {
  it('the first agent reply answers the ticket and measures the first response; later ones do not', () => {
    expect(transition(state(), { kind: 'reply', actor: 'agent' }, later(90))).toEqual({ ok: true, result: { status: 'answered', firstResponseSeconds: 90 } });
    expect(transition(state({ status: 'answered', firstResponseAt: later(90) }), { kind: 'reply', actor: 'agent' }, later(200))).toEqual({ ok: true, result: { status: 'answered' } });
    expect(transition(state({ status: 'open', firstResponseAt: later(90) }), { kind: 'reply', actor: 'agent' }, later(300))).toEqual({ ok: true, result: { status: 'answered' } });
  });

  it('a shopper reply puts the ticket back in the agents\' queue', () => {
    expect(transition(state({ status: 'answered' }), { kind: 'reply', actor: 'shopper' }, later(1))).toEqual({ ok: true, result: { status: 'open' } });
    expect(transition(state(), { kind: 'reply', actor: 'shopper' }, later(1))).toEqual({ ok: true, result: { status: 'open' } });
  });

  it('resolving from open or answered measures the resolution time; twice is illegal', () => {
    expect(transition(state(), { kind: 'resolve', actor: 'shopper' }, later(10))).toEqual({ ok: true, result: { status: 'resolved', resolutionSeconds: 10 } });
    expect(transition(state({ status: 'answered' }), { kind: 'resolve', actor: 'agent' }, later(3600))).toEqual({ ok: true, result: { status: 'resolved', resolutionSeconds: 3600 } });
    expect(transition(state({ status: 'resolved' }), { kind: 'resolve', actor: 'agent' }, later(1))).toMatchObject({ ok: false, reason: 'already_resolved' });
  });

  it('a shopper reply reopens a resolved ticket unless it was rated; agents cannot reply to resolved tickets', () => {
    expect(transition(state({ status: 'resolved', resolvedAt: later(5) }), { kind: 'reply', actor: 'shopper' }, later(6))).toEqual({ ok: true, result: { status: 'open', reopened: true } });
    expect(transition(state({ status: 'resolved', rated: true }), { kind: 'reply', actor: 'shopper' }, later(6))).toMatchObject({ ok: false, reason: 'ticket_rated' });
    expect(transition(state({ status: 'resolved' }), { kind: 'reply', actor: 'agent' }, later(6))).toMatchObject({ ok: false, reason: 'ticket_resolved' });
  });

  it('rating: only the shopper, only after resolve, only once', () => {
    expect(transition(state({ status: 'resolved' }), { kind: 'rate', actor: 'shopper' }, later(1))).toEqual({ ok: true, result: { status: 'resolved' } });
    expect(transition(state({ status: 'answered' }), { kind: 'rate', actor: 'shopper' }, later(1))).toMatchObject({ ok: false, reason: 'not_resolved' });
    expect(transition(state({ status: 'resolved', rated: true }), { kind: 'rate', actor: 'shopper' }, later(1))).toMatchObject({ ok: false, reason: 'already_rated' });
    expect(transition(state({ status: 'resolved' }), { kind: 'rate', actor: 'agent' }, later(1))).toMatchObject({ ok: false, reason: 'not_the_shopper' });
  });

  it('a clock behind the creation time never yields negative durations', () => {
    expect(transition(state(), { kind: 'resolve', actor: 'agent' }, later(-5))).toEqual({ ok: true, result: { status: 'resolved', resolutionSeconds: 0 } });
  });

  it('CSAT counts 4 and 5 as satisfied', () => {
    expect([1, 2, 3, 4, 5].map(isSatisfied)).toEqual([false, false, false, true, true]);
  });

  it('the API schemas list exactly the domain\'s categories and statuses', () => {
    const literals = (schema: { anyOf: Array<{ const: string }> }) => schema.anyOf.map((s) => s.const);
    expect(literals(TicketCategory as never)).toEqual([...TICKET_CATEGORIES]);
    expect(literals(TicketStatus as never)).toEqual([...TICKET_STATUSES]);
  });
});
