// `/api/<service>/*` → the service. In order: the bearer token (if any) was verified on arrival;
// the rate limit (@fastify/rate-limit, in a preHandler hook) counts the request per client —
// token subject, else IP — upstream and route class, in a store backed by Redis so every replica
// shares the count; the route's access policy is enforced (401/403 here, so a refused request
// never reaches the service); then the request is forwarded
// with the request id, trace context and verified principal, and the response streamed back.
import rateLimit from '@fastify/rate-limit';
import { propagation, context as otelContext } from '@opentelemetry/api';
import { ProblemError, problems, type App, type Principal } from '@shopwatch/platform';
import type { FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { Redis } from 'ioredis';
import type { Dispatcher } from 'undici';
import { clientResponseHeaders, upstreamRequestHeaders } from '../domain/forwarding.ts';
import { accessFor, hasDotSegments, routeClass, siteTarget, splitApiUrl, type Upstream } from '../domain/upstreams.ts';
import { BatchedRedisStore } from '../plugins/rate-limit-store.ts';
import { TokenCache } from '../plugins/token-cache.ts';
import { classifyFailure, upstreamProblem } from '../plugins/upstream-client.ts';
import type { GatewayContext } from './context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Why the bearer token was refused, when one was sent and it is not valid. */
    tokenProblem?: ProblemError;
  }
}

const METHODS: Dispatcher.HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
// Not in the gateway's own OpenAPI document (the aggregated one describes what is behind it).
const HIDDEN = { hide: true } as FastifySchema;
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** Verifies a bearer token if one is sent; never rejects here (public routes accept anyone). */
async function readPrincipal(request: FastifyRequest, tokens: TokenCache): Promise<void> {
  const header = request.headers.authorization;
  if (header === undefined) return;
  const match = BEARER.exec(header);
  if (!match?.[1]) {
    request.tokenProblem = problems.unauthorized('The Authorization header is not a bearer token.');
    return;
  }
  try {
    request.principal = await tokens.verify(match[1]);
  } catch (error) {
    if (error instanceof ProblemError) request.tokenProblem = error;
    else throw error;
  }
}

/**
 * The rate-limit key of a request: `client|upstream|class` (client: `sub:<token subject>`, else
 * `ip:<address>`); '' when it is not limited (an allow-listed client, or a request the handler
 * refuses anyway: no such service, dot segments).
 */
function rateLimitKey(request: FastifyRequest, ctx: GatewayContext, allow: Set<string>): string {
  if (allow.has(request.ip)) return '';
  const method = request.method;
  const target = splitApiUrl(request.url) ?? siteTarget(method, request.url);
  const upstream = target ? ctx.upstreams.get(target.service) : undefined;
  if (!target || !upstream || hasDotSegments(target.path)) return '';
  const client = request.principal ? `sub:${request.principal.subject}` : `ip:${request.ip}`;
  return `${client}|${upstream.name}|${routeClass(upstream.name, method, target.path)}`;
}

function rateLimited(ttlSeconds: number, max: number, windowMs: number): ProblemError {
  const seconds = Math.max(1, ttlSeconds);
  return new ProblemError(429, 'rate-limited', 'Too Many Requests', `More than ${max} requests in ${Math.round(windowMs / 1000)} s from this client to this route; retry in ${seconds} s.`, {
    headers: { 'retry-after': String(seconds) },
    extensions: { limit: max, retryAfterSeconds: seconds },
  });
}

export async function registerProxyRoutes(app: App, ctx: GatewayContext, redis: Redis): Promise<void> {
  // Registered in its own scope: the catch-all body parser below must not replace the JSON
  // parser of the gateway's own routes.
  await app.register(async (scope) => {
    // Bodies are forwarded as they came (bounded by the app's body limit), whatever their type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    const tokens = new TokenCache(ctx.jwt);
    // Callback style: a request without a token (most of them) costs no promise here.
    scope.addHook('onRequest', (request, _reply, done) => {
      if (request.headers.authorization === undefined) return done();
      readPrincipal(request, tokens).then(() => done(), done);
    });

    if (ctx.rateLimit.enabled) {
      const store = new BatchedRedisStore(redis, {
        keyPrefix: ctx.rateLimit.keyPrefix,
        syncIntervalMs: ctx.rateLimit.syncIntervalMs,
        now: () => ctx.now().getTime(),
      });
      scope.addHook('onClose', async () => store.close());
      const allow = new Set(ctx.rateLimit.allow);
      const { max, authMax, windowMs } = ctx.rateLimit;
      // Adds a preHandler hook to each route below: it runs once the token is read and the body
      // accepted (a request refused for its size is not counted), just before the handler.
      await scope.register(rateLimit, {
        global: true,
        hook: 'preHandler',
        store: store.asStoreClass(),
        timeWindow: windowMs,
        max: (_request, key) => (key.endsWith('|auth') ? authMax : max),
        keyGenerator: (request) => rateLimitKey(request, ctx, allow),
        allowList: (_request, key) => key === '',
        // Redis unreachable: let traffic through (readiness says redis is failing) rather than refuse it all.
        skipOnError: true,
        onExceeded: (_request, key) => {
          const [cls = '', upstream = ''] = key.split('|').reverse();
          ctx.metrics.rateLimited.inc({ upstream, class: cls });
        },
        errorResponseBuilder: (_request, context) => rateLimited(Math.ceil(context.ttl / 1000), context.max, windowMs),
      });
    }

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const method = request.method;
      const target = splitApiUrl(request.url) ?? siteTarget(method, request.url);
      const upstream: Upstream | undefined = target ? ctx.upstreams.get(target.service) : undefined;
      if (!target || !upstream) throw problems.notFound(`The service in ${request.url.split('?', 1)[0]}`);
      if (hasDotSegments(target.path)) throw problems.badRequest('Paths with . or .. segments are not routed.');

      const access = accessFor(upstream.policy, method, target.path);
      if (access !== 'public') {
        if (request.tokenProblem || !request.principal) {
          ctx.metrics.authRejections.inc({ upstream: upstream.name, reason: request.tokenProblem ? 'invalid_token' : 'missing_token' });
          throw request.tokenProblem ?? problems.unauthorized();
        }
        if (access === 'admin' && request.principal.role !== 'admin') {
          ctx.metrics.authRejections.inc({ upstream: upstream.name, reason: 'forbidden' });
          throw problems.forbidden('This action needs the admin role.');
        }
      }

      const principal: Principal | undefined = request.principal;
      const headers = upstreamRequestHeaders(request.headers, {
        requestId: request.id,
        clientIp: request.ip,
        proto: request.protocol,
        host: request.headers.host,
        principal,
      });
      // With tracing on, the upstream continues this request's trace (the gateway's span is its parent).
      propagation.inject(otelContext.active(), headers);

      // The client going away cancels the upstream request too.
      const abort = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) abort.abort();
      };
      reply.raw.once('close', onClose);

      const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
      const response = await ctx.client.request(upstream.name, { method, path: target.path, headers, body, signal: abort.signal });
      const contentType = String(response.headers['content-type'] ?? '');
      if (response.statusCode >= 500 && !contentType.startsWith('application/problem+json')) {
        // Not one of our services' problem answers (a crash page, a proxy's HTML): say so plainly.
        await response.body.dump();
        ctx.metrics.upstreamFailures.inc({ upstream: upstream.name, kind: 'bad_gateway' });
        throw upstreamProblem(upstream.name, 'bad_gateway');
      }
      reply.code(response.statusCode).headers(clientResponseHeaders(response.headers, upstream.name));
      // A small response of known length is read whole and sent in one write: cheaper than piping
      // a stream through (most API answers are a few KB). Anything else (large, chunked, event
      // streams) is streamed as it arrives.
      const length = Number(response.headers['content-length'] ?? Number.NaN);
      if (length <= ctx.client.bufferBytes && method !== 'HEAD') {
        let payload: Buffer;
        try {
          payload = Buffer.from(await response.body.arrayBuffer());
        } catch (error) {
          if (abort.signal.aborted) throw error;
          const kind = classifyFailure(error);
          ctx.metrics.upstreamFailures.inc({ upstream: upstream.name, kind });
          throw upstreamProblem(upstream.name, kind);
        }
        return reply.send(payload);
      }
      return reply.send(response.body);
    };

    for (const url of ['/api/:service', '/api/:service/*']) {
      scope.route({ method: METHODS, url, exposeHeadRoute: false, schema: HIDDEN, handler });
    }
    // Everything else the router has no route for: the storefront's pages and assets.
    scope.route({ method: ['GET', 'HEAD'], url: '/*', exposeHeadRoute: false, schema: HIDDEN, handler });
  });
}
