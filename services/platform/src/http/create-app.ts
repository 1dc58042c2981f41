// The app factory every service starts from. It wires the contracts of docs/architecture.md §3 once:
// TypeBox-typed routes validated strictly, problem+json for every error (no stack traces or SQL
// ever reach a client; 5xx details go to the log only), request ids, /livez, /readyz, /metrics and
// /openapi.json generated from the route schemas.
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../telemetry/logger.ts';
import { createMetrics, renderMetrics, sampledTraceExemplar, type ServiceMetrics } from '../telemetry/metrics.ts';
import { fieldErrors, validatorCompiler } from './validation.ts';
import { PROBLEM_CONTENT_TYPE, ProblemError, problemForStatus, type Problem } from './problem.ts';
import { Readiness } from './readiness.ts';
import { drainRequestBody } from './oversize-body.ts';
import { isAuthGuard } from '../auth/jwt.ts';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
    metrics: ServiceMetrics;
  }
}

export interface AppOptions {
  service: string;
  version?: string;
  description?: string;
  logger: Logger;
  /** Reuse a registry (e.g. to add business metrics before the app exists); created otherwise. */
  metrics?: ServiceMetrics;
  /** Largest accepted request body in bytes (default 64 KiB: no route needs more). */
  bodyLimit?: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const INFRA_ROUTES = new Set(['/livez', '/readyz', '/metrics', '/openapi.json']);

export async function createApp(options: AppOptions): Promise<App> {
  const metrics = options.metrics ?? createMetrics(options.service);
  const loggerInstance: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance,
    // Per-request lines come from our onResponse hook (one line, right level), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Keep the client's request id if it is sane, so one id follows a request across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // A draining pod keeps answering requests that arrive on connections it already has: by the
    // time app.close() runs, the readiness probe and preStop have taken it out of the Service, so
    // those requests are the last of a keep-alive client (the gateway, a peer service), and a 503
    // for them would fail work the pod can still do. Their answers carry `Connection: close`.
    return503OnClosing: false,
    // Router-level rejections (malformed URL encoding, over-long path params) are client errors
    // too and get the same problem+json shape as everything else.
    frameworkErrors: (error, _request, reply) => {
      const status = typeof error.statusCode === 'number' ? error.statusCode : 400;
      sendProblem(reply, problemForStatus(status, status === 414 ? 'A path segment is too long.' : 'The request URL is malformed.'));
    },
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('readiness', new Readiness());
  app.decorate('metrics', metrics);
  app.setValidatorCompiler(validatorCompiler);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Authentication runs before the body is read: a guard (requireAuth) in a later hook is a
  // mistake caught at start-up, and a guarded route says so in the OpenAPI document.
  app.addHook('onRoute', (route) => {
    const hooksOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value ? [value] : []);
    for (const phase of ['preParsing', 'preValidation', 'preHandler'] as const) {
      if (hooksOf(route[phase]).some(isAuthGuard)) {
        throw new Error(`${String(route.method)} ${route.url}: requireAuth must be an onRequest hook (found in ${phase}), so that authentication answers before validation`);
      }
    }
    const guard = hooksOf(route.onRequest).find(isAuthGuard);
    if (guard) route.schema = { ...route.schema, security: [{ bearer: [] }] };
  });

  // While shutting down, responses to requests still in flight tell keep-alive clients to close
  // the connection; otherwise the server would wait for idle keep-alive sockets to time out.
  app.addHook('onSend', async (_request, reply) => {
    if (app.readiness.isShuttingDown) reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    if (!INFRA_ROUTES.has(route)) {
      metrics.httpDuration.observe({
        labels: { method: request.method, route, status_code: String(status) },
        value: reply.elapsedTime / 1000,
        exemplarLabels: sampledTraceExemplar(),
      });
    }
    if (status >= 500) request.log.error({ method: request.method, route, status }, 'request failed');
    else request.log.debug({ method: request.method, route, status, ms: reply.elapsedTime }, 'request completed');
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Fastify marked the connection to close; once the body is read to its end it can stay open.
      if (await drainRequestBody(request.raw)) reply.removeHeader('connection');
      else reply.header('connection', 'close');
    }
    let problem: Problem;
    let headers: Record<string, string> = {};
    if (error.validation) {
      problem = {
        ...problemForStatus(400, 'The request does not match the schema.'),
        type: 'https://shopwatch.dev/problems/validation',
        title: 'Invalid request',
        errors: fieldErrors(error.validationContext, error.validation as never),
      };
    } else if (error instanceof ProblemError) {
      problem = error.toProblem(request.url);
      headers = error.headers;
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors (bad JSON, body too large, wrong content type): their
      // messages describe the request, never the server, so they are safe to return.
      problem = problemForStatus(error.statusCode, error.message);
      if (error.statusCode === 429 && reply.getHeader('retry-after') === undefined) headers['retry-after'] = '1';
    } else {
      request.log.error({ err: error }, 'unhandled error');
      problem = problemForStatus(500, `An unexpected error occurred. Quote request id ${request.id} when reporting it.`);
    }
    return sendProblem(reply.headers(headers), problem);
  });

  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, problemForStatus(404, `No route for ${request.method} ${request.url.split('?')[0]}.`));
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.service, version: options.version ?? '0.1.0', description: options.description ?? '' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });

  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const result = await app.readiness.evaluate();
    if (result.ready) return { status: 'ready', checks: result.checks };
    return sendProblem(reply, {
      ...problemForStatus(503, `Not ready: ${result.failing.join(', ')} failing.`),
      failing: result.failing,
      checks: result.checks,
    });
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const { contentType, body } = await renderMetrics(metrics.registry, request.headers.accept);
    reply.header('content-type', contentType);
    return body;
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  return app;
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
