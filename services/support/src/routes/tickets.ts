// Ticket routes. Every route needs a signed-in user. Shoppers see and act on their own tickets
// only (someone else's ticket is a 404, not a 403, so ids cannot be probed); the admin role is
// the support agent and sees every ticket. State changes run in one transaction with the ticket
// row locked, so two replies or a reply and a resolve cannot interleave; metrics move after commit.
import { makeEvent } from '@shopwatch/contracts';
import { enqueue, problems, ProblemError, requireAuth, withTransaction, type App, type PoolClient, type Principal, problemResponses } from '@shopwatch/platform';
import { transition, type Actor, type TicketAction, type TransitionResult } from '../domain/ticket.ts';
import * as repo from '../plugins/ticket-repository.ts';
import { IdParams } from '../schemas/common.ts';
import { NoBody, RatingCreate, ReplyCreate, Ticket, TicketCreate, TicketListQuery, TicketPage, TicketWithConversation } from '../schemas/ticket.ts';
import type { SupportContext } from './context.ts';

const SOURCE = '/services/support';

function seconds(from: Date, to: Date): number {
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}

function principalOf(request: { principal?: Principal | undefined }): Principal {
  if (!request.principal) throw problems.unauthorized();
  return request.principal;
}

/** The caller's relation to a ticket; a stranger gets the same 404 as a missing ticket. */
function relation(stored: repo.StoredTicket | undefined, principal: Principal, id: string): { stored: repo.StoredTicket; owner: boolean; agent: boolean } {
  const owner = stored?.ticket.userId === principal.subject;
  const agent = principal.role === 'admin';
  if (!stored || (!owner && !agent)) throw problems.notFound(`Ticket ${id}`);
  return { stored, owner, agent };
}

function refuse(reason: string, detail: string): never {
  if (reason === 'not_the_shopper') throw problems.forbidden(detail);
  throw new ProblemError(409, 'illegal-transition', 'Conflict', detail, { extensions: { reason } });
}

export function registerTicketRoutes(app: App, ctx: SupportContext): void {
  const signedIn = requireAuth(ctx.jwt);
  const tags = ['tickets'];
  const errors = problemResponses(400, 401, 403, 404, 409);

  /** Locks the ticket, applies `action` through the state machine and the given store change. */
  async function act(
    id: string,
    principal: Principal,
    action: (r: { owner: boolean; agent: boolean }) => TicketAction,
    store: (client: PoolClient, result: TransitionResult, actor: Actor, now: Date) => Promise<void>,
    extra: Omit<repo.TicketChange, 'status' | 'now'> = {},
  ) {
    const now = ctx.now();
    const outcome = await withTransaction(ctx.pool, async (client) => {
      const { stored, owner, agent } = relation(await repo.findTicket(client, id, true), principal, id);
      const wanted = action({ owner, agent });
      const state = { status: stored.ticket.status, createdAt: stored.createdAt, firstResponseAt: stored.firstResponseAt, resolvedAt: stored.resolvedAt, rated: stored.rated };
      const next = transition(state, wanted, now);
      if (!next.ok) return next;
      await store(client, next.result, wanted.actor, now);
      const ticket = await repo.updateTicket(client, id, {
        status: next.result.status,
        now,
        firstResponse: next.result.firstResponseSeconds !== undefined,
        resolved: next.result.resolutionSeconds !== undefined,
        reopened: next.result.reopened ?? false,
        ...extra,
      });
      if (next.result.resolutionSeconds !== undefined) {
        const data = {
          ticketId: id,
          userId: ticket.userId,
          category: ticket.category,
          resolvedBy: wanted.actor,
          resolutionSeconds: next.result.resolutionSeconds,
          ...(stored.firstResponseAt ? { firstResponseSeconds: seconds(stored.createdAt, stored.firstResponseAt) } : {}),
        };
        await enqueue(client, makeEvent('shop.support.ticket.resolved', id, data, { source: SOURCE, now: () => now }), { topic: ctx.eventsTopic });
      }
      return { ok: true as const, ticket, result: next.result, actor: wanted.actor };
    });
    if (!outcome.ok) refuse(outcome.reason, outcome.detail);
    const { ticket, result } = outcome;
    const category = ticket.category;
    if (result.firstResponseSeconds !== undefined) ctx.metrics.firstResponse.observe({ category }, result.firstResponseSeconds);
    if (result.resolutionSeconds !== undefined) {
      ctx.metrics.resolution.observe({ category }, result.resolutionSeconds);
      ctx.metrics.resolved.inc({ category, by: outcome.actor });
    }
    if (result.reopened) ctx.metrics.reopened.inc({ category });
    return ticket;
  }

  app.post(
    '/tickets',
    { onRequest: signedIn, schema: { tags, summary: 'Open a ticket', body: TicketCreate, response: { 201: TicketWithConversation, ...errors } } },
    async (request, reply) => {
      const principal = principalOf(request);
      const now = ctx.now();
      const body = request.body;
      const created = await withTransaction(ctx.pool, async (client) => {
        const ticket = await repo.insertTicket(client, { userId: principal.subject, subject: body.subject, category: body.category, orderId: body.orderId ?? null, now });
        const message = await repo.insertMessage(client, { ticketId: ticket.id, authorId: principal.subject, authorRole: 'shopper', body: body.message, now });
        const data = { ticketId: ticket.id, userId: ticket.userId, category: ticket.category, ...(ticket.orderId ? { orderId: ticket.orderId } : {}) };
        await enqueue(client, makeEvent('shop.support.ticket.opened', ticket.id, data, { source: SOURCE, now: () => now }), { topic: ctx.eventsTopic });
        return { ...ticket, messages: [message] };
      });
      ctx.metrics.opened.inc({ category: created.category });
      return reply.code(201).header('location', `/tickets/${created.id}`).send(created);
    },
  );

  app.get(
    '/tickets',
    { onRequest: signedIn, schema: { tags, summary: 'Own tickets (agents: all)', querystring: TicketListQuery, response: { 200: TicketPage, ...errors } } },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      return repo.listTickets(ctx.pool, {
        userId: principal.role === 'admin' ? undefined : principal.subject,
        status: q.status,
        limit: q.limit ?? 20,
        offset: q.offset ?? 0,
      });
    },
  );

  app.get(
    '/tickets/:id',
    { onRequest: signedIn, schema: { tags, summary: 'A ticket with its conversation', params: IdParams, response: { 200: TicketWithConversation, ...errors } } },
    async (request) => {
      const { stored } = relation(await repo.findTicket(ctx.pool, request.params.id), principalOf(request), request.params.id);
      return { ...stored.ticket, messages: await repo.listMessages(ctx.pool, stored.ticket.id) };
    },
  );

  app.post(
    '/tickets/:id/replies',
    {
      onRequest: signedIn,
      schema: { tags, summary: 'Reply (as the shopper, or as an agent with the admin role)', params: IdParams, body: ReplyCreate, response: { 201: TicketWithConversation, ...errors } },
    },
    async (request, reply) => {
      const id = request.params.id;
      const principal = principalOf(request);
      let actor: Actor = 'shopper';
      const ticket = await act(
        id,
        principal,
        ({ agent }) => ({ kind: 'reply', actor: agent ? 'agent' : 'shopper' }),
        async (client, _result, who, now) => {
          actor = who;
          await repo.insertMessage(client, { ticketId: id, authorId: principal.subject, authorRole: who, body: request.body.message, now });
        },
      );
      ctx.metrics.replies.inc({ author: actor });
      return reply.code(201).send({ ...ticket, messages: await repo.listMessages(ctx.pool, id) });
    },
  );

  app.post(
    '/tickets/:id/resolve',
    { onRequest: signedIn, schema: { tags, summary: 'Resolve (the shopper or an agent)', params: IdParams, body: NoBody, response: { 200: Ticket, ...errors } } },
    async (request) =>
      act(request.params.id, principalOf(request), ({ agent }) => ({ kind: 'resolve', actor: agent ? 'agent' : 'shopper' }), async () => undefined),
  );

  app.post(
    '/tickets/:id/assign',
    { onRequest: signedIn, schema: { tags, summary: 'Take the ticket (agents only)', params: IdParams, body: NoBody, response: { 200: Ticket, ...errors } } },
    async (request) => {
      const principal = principalOf(request);
      if (principal.role !== 'admin') {
        // Strangers still get a 404 (the ticket's existence is not revealed); its shopper gets a 403.
        relation(await repo.findTicket(ctx.pool, request.params.id), principal, request.params.id);
        throw problems.forbidden('Only support agents take tickets.');
      }
      const updated = await withTransaction(ctx.pool, async (client) => {
        const { stored } = relation(await repo.findTicket(client, request.params.id, true), principal, request.params.id);
        if (stored.ticket.status === 'resolved') return undefined;
        return repo.updateTicket(client, stored.ticket.id, { status: stored.ticket.status, now: ctx.now(), assigneeId: principal.subject });
      });
      if (!updated) refuse('ticket_resolved', 'The ticket is resolved.');
      return updated;
    },
  );

  app.post(
    '/tickets/:id/rating',
    { onRequest: signedIn, schema: { tags, summary: 'Rate a resolved ticket, once (the shopper)', params: IdParams, body: RatingCreate, response: { 200: Ticket, ...errors } } },
    async (request) => {
      const { score, comment } = request.body;
      const ticket = await act(
        request.params.id,
        principalOf(request),
        ({ owner }) => ({ kind: 'rate', actor: owner ? 'shopper' : 'agent' }),
        async () => undefined,
        { rating: { score, comment: comment ?? null } },
      );
      ctx.metrics.satisfaction.observe({ category: ticket.category }, score);
      return ticket;
    },
  );
}
