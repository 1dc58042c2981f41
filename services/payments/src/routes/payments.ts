import { problems, ProblemError, type App, problemResponses } from '@shopwatch/platform';
import type { PaymentService, StepResult } from '../plugins/payment-service.ts';
import type { PaymentRecord } from '../plugins/payments-repository.ts';
import { AuthorizeHeaders, AuthorizeRequest, IdParams, Payment } from '../schemas/payment.ts';

function view(payment: PaymentRecord, history?: { status: string; reason: string | null; at: Date }[]): Payment {
  return {
    id: payment.id,
    status: payment.status,
    amountCents: payment.amountCents,
    currency: payment.currency,
    orderId: payment.orderId,
    failureReason: payment.failureReason,
    declineCode: payment.declineCode,
    pspAuthorizationId: payment.pspAuthorizationId,
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
    ...(history ? { history: history.map((h) => ({ status: h.status, reason: h.reason, at: h.at.toISOString() })) } : {}),
  };
}

/** A failure with its machine-readable reason (and the payment, when one exists) as problem extensions. */
function failure(reason: string, paymentId: string | undefined, detail: string): ProblemError {
  const extensions = { reason, ...(paymentId ? { paymentId } : {}) };
  switch (reason) {
    case 'psp_unavailable':
      return new ProblemError(503, 'psp-unavailable', 'Service Unavailable', detail, { extensions: { ...extensions, dependency: 'psp' }, headers: { 'retry-after': '1' } });
    case 'timeout':
      return new ProblemError(504, 'psp-timeout', 'Gateway Timeout', detail, { extensions: { ...extensions, dependency: 'psp' } });
    case 'invalid_amount':
    case 'unsupported_currency':
      return new ProblemError(422, reason.replaceAll('_', '-'), 'Unprocessable Content', detail, { extensions });
    default:
      return new ProblemError(409, reason.replaceAll('_', '-'), 'Conflict', detail, { extensions });
  }
}

function stepResponse(result: StepResult | undefined, id: string, operation: string): Payment {
  if (!result) throw new Error('step ran without a result');
  switch (result.kind) {
    case 'payment':
      return view(result.payment);
    case 'not-found':
      throw problems.notFound(`Payment ${id}`);
    case 'refused':
      throw failure(result.reason, id, `Cannot ${operation} a payment that is ${result.payment.status}.`);
    case 'failed':
      throw failure(result.reason, id, `psp did not answer the ${operation}; retry later.`);
  }
}

export function registerPaymentRoutes(app: App, service: PaymentService): void {
  const tags = ['payments'];

  app.post(
    '/payments/authorize',
    { schema: { tags, headers: AuthorizeHeaders, body: AuthorizeRequest, response: { 200: Payment, 201: Payment, ...problemResponses(400, 409, 422, 503, 504) } } },
    async (request, reply) => {
      const result = await service.authorize({ ...request.body, idempotencyKey: request.headers['idempotency-key'] });
      if (!result) throw new Error('authorize ran without a result');
      if (result.kind === 'conflict') {
        throw failure('idempotency_conflict', undefined, 'This Idempotency-Key was used for a different request.');
      }
      const { payment } = result;
      if (payment.status === 'failed') {
        throw failure(payment.failureReason ?? 'psp_unavailable', payment.id, `The authorisation failed (${payment.failureReason ?? 'unknown'}); retry with the same Idempotency-Key.`);
      }
      // A decline is an outcome, not an error: the payment exists with status `declined`.
      return reply
        .code(result.replayed ? 200 : 201)
        .header('location', `/payments/${payment.id}`)
        .header('idempotent-replayed', String(result.replayed))
        .send(view(payment));
    },
  );

  app.get('/payments/:id', { schema: { tags, params: IdParams, response: { 200: Payment, ...problemResponses(400, 404) } } }, async (request) => {
    const found = await service.get(request.params.id);
    if (!found) throw problems.notFound(`Payment ${request.params.id}`);
    return view(found.payment, found.history);
  });

  app.post(
    '/payments/:id/capture',
    { schema: { tags, params: IdParams, response: { 200: Payment, ...problemResponses(400, 404, 409, 503, 504) } } },
    async (request) => stepResponse(await service.capture({ id: request.params.id }), request.params.id, 'capture'),
  );

  app.post(
    '/payments/:id/void',
    { schema: { tags, params: IdParams, response: { 200: Payment, ...problemResponses(400, 404, 409, 503, 504) } } },
    async (request) => stepResponse(await service.void({ id: request.params.id }), request.params.id, 'void'),
  );

  // Internal, like capture and void (payments is not routed by the gateway): an operator's refund,
  // and the same operation the saga's refund command runs. Idempotent: a repeat answers 200.
  app.post(
    '/payments/:id/refund',
    { schema: { tags, params: IdParams, response: { 200: Payment, ...problemResponses(400, 404, 409, 503, 504) } } },
    async (request) => stepResponse(await service.refund({ id: request.params.id }), request.params.id, 'refund'),
  );
}
