// The bad-request generator, as data: deterministic, one change from a valid request per case,
// and honest about which cases must be refused (`reject`) and which may succeed (`no-5xx`).
import { conformsTo, exampleFor, generateBadRequests, sampleForPattern, type BadRequest, type JsonSchema } from '@shopwatch/testkit';
import { describe, expect, it } from 'vitest';

const Product: JsonSchema = {
  type: 'object',
  required: ['sku', 'name', 'priceCents'],
  additionalProperties: false,
  properties: {
    sku: { type: 'string', pattern: '^[A-Z0-9][A-Z0-9-]{0,63}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    note: { type: 'string' },
    priceCents: { type: 'integer', minimum: 0, maximum: 100_000_000 },
    quantity: { type: 'integer', minimum: 1 },
    tags: { type: 'array', items: { type: 'string', maxLength: 32 }, maxItems: 3, uniqueItems: true },
    imageUrl: { anyOf: [{ type: 'string', format: 'uri', maxLength: 500 }, { type: 'null' }] },
    dimensions: { type: 'object', required: ['widthMm'], additionalProperties: false, properties: { widthMm: { type: 'integer', minimum: 1 } } },
  },
};

const document = {
  openapi: '3.1.0',
  paths: {
    '/products': {
      post: { requestBody: { required: true, content: { 'application/json': { schema: Product } } } },
      get: {
        parameters: [
          { in: 'query', name: 'limit', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          { in: 'query', name: 'q', required: true, schema: { type: 'string', minLength: 1, maxLength: 20 } },
        ],
      },
    },
    '/products/{id}': {
      get: { parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'string', format: 'uuid' } }] },
      delete: { parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'string', format: 'uuid' } }] },
    },
    '/notes': {
      get: { parameters: [{ in: 'query', name: 'limit', required: true, schema: { type: 'integer', minimum: 1, default: 20 } }] },
      post: {
        parameters: [{ in: 'header', name: 'idempotency-key', required: true, schema: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { text: { type: 'string' } } } } } },
      },
    },
  },
};

const cases = generateBadRequests(document, { hugeStringLength: 1_000 });
const byName = (name: string): BadRequest => {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no case named ${name}; have e.g. ${cases.slice(0, 5).map((c) => c.name).join(' | ')}`);
  return found;
};
const bodyOf = (c: BadRequest) => JSON.parse(c.body ?? 'null') as Record<string, unknown>;

describe('generateBadRequests', () => {
  it('is deterministic and names every case uniquely', () => {
    expect(generateBadRequests(document, { hugeStringLength: 1_000 })).toEqual(cases);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThan(150);
  });

  it('starts from a valid request: the base body conforms to its schema', () => {
    const base = exampleFor(Product);
    expect(conformsTo(Product, base)).toBe(true);
    expect(base).toMatchObject({ sku: 'AA', priceCents: 1 });
  });

  it('drops each required field once, and the rest of the body stays valid', () => {
    for (const field of ['sku', 'name', 'priceCents']) {
      const c = byName(`POST /products body missing required /${field}`);
      expect(c.expect).toBe('reject');
      const body = bodyOf(c);
      expect(body).not.toHaveProperty(field);
      expect(conformsTo(Product, { ...(exampleFor(Product) as object), ...body })).toBe(true);
    }
    expect(byName('POST /products body missing required /dimensions/widthMm').body).toBe(JSON.stringify({ sku: 'AA', name: 'fuzz', priceCents: 1, dimensions: {} }));
  });

  it('wrong types, unknown fields, oversize and huge strings are refused', () => {
    expect(bodyOf(byName('POST /products body /name wrong type (number)'))['name']).toBe(42);
    expect(byName('POST /products body /name wrong type (number)').expect).toBe('reject');
    expect(byName('POST /products body unknown field').expect).toBe('reject');
    expect(byName('POST /products body /dimensions unknown nested field').expect).toBe('reject');
    expect((bodyOf(byName('POST /products body /name over maxLength 200'))['name'] as string).length).toBe(201);
    expect(byName('POST /products body /name huge string').expect).toBe('reject');
    expect(byName('POST /products body /tags over maxItems 3').expect).toBe('reject');
    expect(byName('POST /products body /tags duplicate items').expect).toBe('reject');
    expect(byName('POST /products body /imageUrl not a uri').expect).toBe('reject');
  });

  it('numbers: negative, zero where the minimum is 1, huge, fractional', () => {
    expect(byName('POST /products body /priceCents negative').expect).toBe('reject');
    expect(byName('POST /products body /quantity zero').expect).toBe('reject');
    expect(byName('POST /products body /priceCents huge (1e308)').expect).toBe('reject');
    expect(byName('POST /products body /priceCents fractional').expect).toBe('reject');
    expect(byName('POST /products body /priceCents huge (2^63)').body).toContain('"priceCents":9223372036854775808');
    expect(byName('POST /products body /priceCents overflow (1e400)').body).toContain('"priceCents":1e400');
    // Without a maximum, 1e308 is an integer the schema allows: the service must not fail on it.
    expect(byName('POST /products body /quantity huge (1e308)')).toMatchObject({ expect: 'no-5xx' });
  });

  it('unicode edge cases are refused where a pattern forbids them and must not fail elsewhere', () => {
    expect(byName('POST /products body /sku unicode: emoji with joiners').expect).toBe('reject');
    const nul = byName('POST /products body /note unicode: NUL character');
    expect(nul.expect).toBe('no-5xx');
    expect(nul.body).toContain('"note":"a\\u0000b"');
    expect(byName('POST /products body /note unicode: lone surrogate').body).toContain('"note":"x\\ud800y"');
    // Without additionalProperties: false, an unknown field may be accepted.
    expect(byName('POST /notes body unknown field')).toMatchObject({ expect: 'no-5xx', why: 'the schema does not forbid additional properties' });
  });

  it('malformed JSON, wrong content types, a missing body and non-objects are refused', () => {
    for (const name of ['malformed JSON', 'wrong content type (text/plain)', 'JSON array instead of an object', 'oversize body (2 MiB)', 'prototype pollution (__proto__)', 'missing']) {
      expect(byName(`POST /products body ${name}`).expect, name).toBe('reject');
    }
    expect(byName('POST /products body wrong content type (text/plain)').headers['content-type']).toBe('text/plain');
    expect(byName('POST /products body no content type').headers).not.toHaveProperty('content-type');
    expect(byName('POST /products body missing')).not.toHaveProperty('body');
  });

  it('path parameters of the wrong shape, bad query values and headers', () => {
    expect(byName('GET /products/{id} path id not the documented shape')).toMatchObject({ expect: 'reject', url: `/products/${encodeURIComponent('not-valid ☃')}` });
    expect(byName('DELETE /products/{id} path id NUL byte')).toMatchObject({ expect: 'reject', url: '/products/a%00b' });
    expect(byName('GET /products/{id} path id encoded lone surrogate (invalid UTF-8)').expect).toBe('no-5xx');
    expect(byName('GET /products query q missing')).toMatchObject({ expect: 'reject', url: '/products' });
    expect(byName('GET /products query limit zero')).toMatchObject({ expect: 'reject', url: '/products?q=fuzz&limit=0' });
    expect(byName('GET /products query limit huge number (2^63)').expect).toBe('reject');
    expect(byName('GET /products query q over maxLength 20').expect).toBe('reject');
    expect(byName('GET /products unknown query parameter')).toMatchObject({ expect: 'no-5xx', why: 'unknown query parameters are ignored' });
    expect(byName('POST /notes header idempotency-key missing').headers).not.toHaveProperty('idempotency-key');
    // Required in the schema but with a default: the validator fills it in, so leaving it out may succeed.
    expect(byName('GET /notes query limit missing')).toMatchObject({ expect: 'no-5xx', why: 'the validator fills in the documented default' });
    expect(byName('GET /notes query limit zero').expect).toBe('reject');
    expect(byName('POST /notes header idempotency-key SQL-ish text').expect).toBe('reject');
  });
});

describe('sampleForPattern and conformsTo', () => {
  it('makes strings for the patterns our services use', () => {
    for (const pattern of ['^[A-Z0-9][A-Z0-9-]{0,63}$', '^[a-z0-9]+(-[a-z0-9]+)*$', '^auth_[0-9a-f]{32}$', '^tok_[a-z0-9_]{1,60}$', '^https?://', '^[A-Za-z0-9._:-]{1,128}$', '^[A-Z]{3}$']) {
      const sample = sampleForPattern(pattern);
      expect(sample, pattern).toBeDefined();
      expect(new RegExp(pattern, 'u').test(sample ?? ''), pattern).toBe(true);
    }
  });

  it('calls a value invalid only for keywords it understands', () => {
    expect(conformsTo({ type: 'integer', minimum: 1 }, 0)).toBe(false);
    expect(conformsTo({ type: 'integer' }, 1.5)).toBe(false);
    expect(conformsTo({ type: 'string', maxLength: 2 }, '🛒🛒')).toBe(true);
    expect(conformsTo({ anyOf: [{ type: 'string' }, { type: 'null' }] }, null)).toBe(true);
    expect(conformsTo({ $ref: '#/components/schemas/X' }, 42)).toBe(true);
    expect(conformsTo({ type: 'object', required: ['a'] }, {})).toBe(false);
  });
});
