import { Writable } from 'node:stream';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createLogger, issueToken, ProblemError, requireAuth, type App } from '../../src/index.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

let app: App;
let dependencyUp = true;

beforeAll(async () => {
  app = await createApp({ service: 'kit-test', logger: createLogger({ service: 'kit-test', level: 'info', destination: sink }) });
  app.readiness.add('postgres', async () => {
    if (!dependencyUp) throw new Error('connection refused');
  });
  app.post(
    '/items',
    {
      schema: {
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 10 }), price: Type.Integer({ minimum: 0, maximum: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ name: Type.String() }) },
      },
    },
    async (request, reply) => reply.code(201).send({ name: request.body.name }),
  );
  app.get('/items/:id', { schema: { params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } }, async (request) => {
    if (request.params.id === 404) throw new ProblemError(404, 'not-found', 'Not Found', 'Item 404 was not found.');
    if (request.params.id === 500) throw new Error('relation "secret_table" does not exist at character 15');
    return { id: request.params.id };
  });
  await app.ready();
});
afterAll(() => app.close());

const post = (payload: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app.inject({ method: 'POST', url: '/items', payload, headers });

describe('createApp', () => {
  it('accepts a valid body', async () => {
    const res = await post(JSON.stringify({ name: 'tea', price: 3 }));
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-request-id']).toMatch(/.+/);
  });

  it.each([
    ['malformed JSON', '{"name": "tea",', 400],
    ['wrong type (no coercion of bodies)', JSON.stringify({ name: 'tea', price: '3' }), 400],
    ['missing field', JSON.stringify({ name: 'tea' }), 400],
    ['unknown field', JSON.stringify({ name: 'tea', price: 1, admin: true }), 400],
    ['oversize string', JSON.stringify({ name: 'x'.repeat(11), price: 1 }), 400],
    ['negative number', JSON.stringify({ name: 'tea', price: -1 }), 400],
    ['huge number', JSON.stringify({ name: 'tea', price: 1e308 }), 400],
    ['oversize body', JSON.stringify({ name: 'a'.repeat(70_000), price: 1 }), 413],
  ])('answers %s with a 4xx problem+json', async (_what, payload, status) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json<{ status: number; title: string; detail: string }>();
    expect(body.status).toBe(status);
    expect(body.title).toBeTruthy();
  });

  it('names every offending field', async () => {
    const res = await post(JSON.stringify({ price: 'x', extra: 1 }));
    const fields = res.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field).sort();
    expect(fields).toEqual(['/body/extra', '/body/name', '/body/price']);
  });

  it('rejects an unsupported content type with 415', async () => {
    const res = await post('name=tea', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('coerces path params but rejects non-numbers', async () => {
    expect((await app.inject({ url: '/items/7' })).json()).toEqual({ id: 7 });
    expect((await app.inject({ url: '/items/seven' })).statusCode).toBe(400);
  });

  it('returns ProblemErrors as thrown', async () => {
    const res = await app.inject({ url: '/items/404' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ type: 'https://shopwatch.dev/problems/not-found', detail: 'Item 404 was not found.' });
  });

  it('hides internals of a 500 from the client but logs them', async () => {
    const res = await app.inject({ url: '/items/500', headers: { 'x-request-id': 'req-500-test' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret_table');
    expect(res.json<{ detail: string }>().detail).toContain('req-500-test');
    expect(lines.some((l) => l.includes('secret_table') && l.includes('req-500-test'))).toBe(true);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await app.inject({ url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ detail: string }>().detail).toBe('No route for GET /nope.');
  });

  it('reports readiness naming the failing dependency', async () => {
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    dependencyUp = false;
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ failing: ['postgres'], checks: { postgres: 'connection refused' } });
    dependencyUp = true;
  });

  it('records route templates, never raw URLs, in the HTTP histogram', async () => {
    await app.inject({ url: '/items/12345' });
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(text).toContain('http_server_request_duration_seconds_bucket{le="0.3",service="kit-test",method="GET",route="/items/:id",status_code="200"}');
    expect(text).not.toContain('/items/12345');
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('serves OpenMetrics (the format with exemplars) to a scraper that asks for it, the text format otherwise, even to both at once', async () => {
    await app.inject({ url: '/items/7' });
    const accept = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3';
    const [open, plain] = await Promise.all([app.inject({ url: '/metrics', headers: { accept } }), app.inject({ url: '/metrics' })]);
    expect(open.headers['content-type']).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(open.body.trimEnd().endsWith('# EOF')).toBe(true);
    expect(plain.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(plain.body).not.toContain('# EOF');
    expect(plain.body).toContain('http_server_request_duration_seconds_count{service="kit-test",method="GET",route="/items/:id",status_code="200"}');
  });

  it('generates OpenAPI 3.1 from route schemas', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/items', '/items/{id}']);
  });
});

describe('authentication before validation', () => {
  const jwt = { secret: 'create-app-test-secret-of-at-least-32-chars' };
  const quiet = () => createLogger({ service: 'auth-test', level: 'silent', destination: sink });
  const Body = Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false });

  it('answers 401 to a request without a token whatever its body, and validates once authenticated', async () => {
    const guarded = await createApp({ service: 'auth-test', logger: quiet() });
    guarded.post('/things', { onRequest: requireAuth(jwt, 'admin'), schema: { body: Body } }, async (request) => ({ name: request.body.name }));
    await guarded.ready();
    try {
      for (const payload of ['{"nope": 1}', '{broken', JSON.stringify({ name: 'ok' })]) {
        const res = await guarded.inject({ method: 'POST', url: '/things', payload, headers: { 'content-type': 'application/json' } });
        expect(res.statusCode, payload).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).not.toHaveProperty('errors');
      }
      const token = await issueToken(jwt, { subject: 'u-1', role: 'admin' });
      const invalid = await guarded.inject({ method: 'POST', url: '/things', payload: '{"nope": 1}', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
      expect(invalid.statusCode).toBe(400);
      const customer = await issueToken(jwt, { subject: 'u-2', role: 'customer' });
      const forbidden = await guarded.inject({ method: 'POST', url: '/things', payload: '{"nope": 1}', headers: { 'content-type': 'application/json', authorization: `Bearer ${customer}` } });
      expect(forbidden.statusCode).toBe(403);
    } finally {
      await guarded.close();
    }
  });

  it('marks guarded routes with the bearer scheme in the OpenAPI document, and only those', async () => {
    const documented = await createApp({ service: 'auth-test', logger: quiet() });
    documented.post('/things', { onRequest: requireAuth(jwt), schema: { body: Body } }, async () => ({}));
    documented.get('/public', async () => ({}));
    await documented.ready();
    try {
      const doc = (await documented.inject({ url: '/openapi.json' })).json<{
        paths: Record<string, Record<string, { security?: unknown }>>;
        components: { securitySchemes: Record<string, unknown> };
      }>();
      expect(doc.paths['/things']?.['post']?.security).toEqual([{ bearer: [] }]);
      expect(doc.paths['/public']?.['get']?.security).toBeUndefined();
      expect(doc.components.securitySchemes['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    } finally {
      await documented.close();
    }
  });

  it.each(['preParsing', 'preValidation', 'preHandler'] as const)('refuses a guard in %s at start-up', async (phase) => {
    const misplaced = await createApp({ service: 'auth-test', logger: quiet() });
    try {
      expect(() => misplaced.post('/things', { [phase]: requireAuth(jwt), schema: { body: Body } }, async () => ({}))).toThrow(/onRequest/);
    } finally {
      await misplaced.close();
    }
  });
});
