import { problemResponses, problems, ProblemError, type App } from '@shopwatch/platform';
import type { FastifyRequest } from 'fastify';
import { decide } from '../domain/decision.ts';
import type { AuthorizationStore } from '../plugins/authorization-store.ts';
import type { PspMetrics } from '../plugins/psp-metrics.ts';
import { Authorization, AuthorizationParams, AuthorizationRequest, IdempotencyHeaders } from '../schemas/authorization.ts';
import type { PspFaultsFile } from '../faults.ts';

export interface PspContext {
  store: AuthorizationStore;
  metrics: PspMetrics;
  faults: () => PspFaultsFile;
  maxAmountCents: number;
  currencies: ReadonlySet<string>;
  random: () => number;
}

/**
 * Runs a ledger operation; when the ledger fails (PostgreSQL unreachable, restarting, out of
 * connections) the caller gets 503 naming the dependency — an outage it retries and its breaker
 * counts — never a 500 that reads like a bug at the provider.
 */
async function ledger<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    request.log.warn({ err: error }, 'ledger unavailable');
    throw problems.unavailable('postgres');
  }
}

/** A 4xx/5xx the caller can act on: `code` is machine-readable (payments maps it to its reasons). */
function providerProblem(status: number, code: string, detail: string, extensions: Record<string, unknown> = {}): ProblemError {
  const titles: Record<number, string> = { 409: 'Conflict', 422: 'Unprocessable Content', 500: 'Internal Server Error' };
  return new ProblemError(status, code.replaceAll('_', '-'), titles[status] ?? 'Error', detail, { extensions: { code, ...extensions } });
}

export function registerAuthorizationRoutes(app: App, ctx: PspContext): void {
  const tags = ['authorizations'];

  app.post(
    '/authorizations',
    { schema: { tags, headers: IdempotencyHeaders, body: AuthorizationRequest, response: { 200: Authorization, 201: Authorization, ...problemResponses(400, 409, 422, 500, 503) } } },
    async (request, reply) => {
      const body = request.body;
      if (body.amountCents > ctx.maxAmountCents) {
        ctx.metrics.operations.inc({ operation: 'authorize', outcome: 'rejected' });
        throw providerProblem(422, 'invalid_amount', `The amount exceeds the limit of ${ctx.maxAmountCents} minor units.`, { errors: [{ field: '/body/amountCents', message: 'is above the limit' }] });
      }
      if (!ctx.currencies.has(body.currency)) {
        ctx.metrics.operations.inc({ operation: 'authorize', outcome: 'rejected' });
        throw providerProblem(422, 'unsupported_currency', `The currency ${body.currency} is not supported.`, { errors: [{ field: '/body/currency', message: 'is not supported' }] });
      }
      const result = await ledger(request, () => ctx.store.authorize(body, request.headers['idempotency-key'], async (attempt) => {
        const knobs = ctx.faults().psp;
        if (knobs.errorRate > 0 && ctx.random() < knobs.errorRate) return { kind: 'error' };
        return decide({ cardToken: body.cardToken, attempt, declineRate: knobs.declineRate, random: ctx.random });
      }));
      switch (result.kind) {
        case 'key-conflict':
          ctx.metrics.operations.inc({ operation: 'authorize', outcome: 'conflict' });
          throw providerProblem(409, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
        case 'error':
          ctx.metrics.operations.inc({ operation: 'authorize', outcome: 'error' });
          throw providerProblem(500, 'processing_error', 'The provider could not process the authorisation; retry with the same Idempotency-Key.');
        case 'replayed':
          ctx.metrics.replays.inc();
          return reply.code(200).header('idempotent-replayed', 'true').send(result.authorization);
        case 'created':
          ctx.metrics.operations.inc({ operation: 'authorize', outcome: result.authorization.status });
          return reply.code(201).header('location', `/authorizations/${result.authorization.id}`).send(result.authorization);
      }
    },
  );

  app.get('/authorizations/:id', { schema: { tags, params: AuthorizationParams, response: { 200: Authorization, ...problemResponses(400, 404, 503) } } }, async (request) => {
    const authorization = await ledger(request, () => ctx.store.find(request.params.id));
    if (!authorization) throw problems.notFound(`Authorization ${request.params.id}`);
    return authorization;
  });

  for (const operation of ['capture', 'void', 'refund'] as const) {
    app.post(
      `/authorizations/:id/${operation}`,
      { schema: { tags, params: AuthorizationParams, response: { 200: Authorization, ...problemResponses(400, 404, 409, 503) } } },
      async (request) => {
        const result = await ledger(request, () => ctx.store.change(request.params.id, operation));
        if (result.kind === 'missing') {
          ctx.metrics.operations.inc({ operation, outcome: 'not_found' });
          throw problems.notFound(`Authorization ${request.params.id}`);
        }
        if (result.kind === 'conflict') {
          ctx.metrics.operations.inc({ operation, outcome: 'conflict' });
          throw providerProblem(409, result.code, `Cannot ${operation} an authorization that is ${result.authorization.status}.`, { status_of_authorization: result.authorization.status });
        }
        if (result.changed) ctx.metrics.operations.inc({ operation, outcome: result.authorization.status });
        return result.authorization;
      },
    );
  }
}
