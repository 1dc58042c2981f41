// Bad requests generated from an OpenAPI 3.1 document (what every service serves at
// /openapi.json): for every operation, requests that differ from a valid one in exactly one way —
// a required body field missing, a field of the wrong type, an unknown field, strings over
// maxLength or huge, unicode edge cases, numbers negative / zero / huge / fractional, path
// parameters of the wrong shape, bad query and header values, malformed JSON, the wrong content
// type. Pure and deterministic: the same document always gives the same cases in the same order.
//
// Each case says what the service must answer:
// - `reject`: the request breaks the documented schema, so it must be a 4xx problem;
// - `no-5xx`: the request may legitimately succeed, so a 2xx is accepted (a 4xx must still be a
//   problem, and a 5xx is always a bug). The exceptions, each with its reason in `why`:
//   * unknown query parameters (query strings are open: unknown parameters are ignored);
//   * unknown body fields where the schema does not say `additionalProperties: false`;
//   * unicode edge cases (RTL, emoji, NUL, lone surrogates) and huge numbers in fields whose schema
//     allows them — the service must store or refuse them, never fail;
//   * path parameters that still match their schema (a well-formed id that does not exist is a
//     404, but nothing here can prove it does not exist);
//   * numbers JSON cannot hold exactly (1e400 parses as Infinity, 2^63 loses precision).
// Whether a value breaks the schema is decided by a small, conservative JSON Schema check
// (`conformsTo`): it calls a value invalid only for keywords it understands, so a `reject`
// expectation is never wrong about the schema. URLs stay under Node's 16 KiB header limit
// (beyond it Node's HTTP parser answers a bare 431 before any application code runs).

export type JsonSchema = Record<string, unknown>;

export type Expectation = 'reject' | 'no-5xx';

export interface BadRequest {
  /** Unique within a document, e.g. `POST /products body /name over maxLength 200`. */
  name: string;
  /** `METHOD /template`, e.g. `GET /products/{id}`. */
  operation: string;
  method: string;
  /** Path with parameters filled in (percent-encoded) and the query string. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  expect: Expectation;
  /** Why a 2xx is acceptable (only for `no-5xx`). */
  why?: string;
}

export interface FuzzOptions {
  /** Length of the "huge string" cases (default 100,000 characters). */
  hugeStringLength?: number;
  /** Operations to leave out, e.g. `(op) => op === 'GET /orders/{id}/stream'`. */
  skip?: (operation: string) => boolean;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
const JSON_TYPE = 'application/json';

/** Strings every text field is tried with: valid UTF-16 that often breaks naive code. */
export const UNICODE_EDGE_CASES: ReadonlyArray<[string, string]> = [
  ['RTL override', 'abc\u202Edcba\u202C'],
  ['emoji with joiners', '🛒👩‍👩‍👧‍👦🏳️‍🌈'],
  ['combining marks', 'Z\u0351\u0353a\u0360\u0362l\u0315g\u035Bo'],
  ['NUL character', 'a\u0000b'],
  ['lone surrogate', 'x\uD800y'],
  ['zero-width and BOM', '\u200B\uFEFF\u200D'],
];

// ---------------------------------------------------------------------------------------------
// A conservative JSON Schema check: false only when the value certainly breaks the schema.

const FORMATS: Record<string, RegExp> = {
  uuid: /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
  email: /^[^\s@]+@[^\s@]+$/,
  'date-time': /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d/,
  date: /^\d{4}-\d\d-\d\d$/,
  uri: /^[a-z][a-z0-9+.-]*:\S*$/i,
};

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return jsonType(value) === type;
  }
}

function typesOf(schema: JsonSchema): string[] | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return undefined;
}

function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function num(schema: JsonSchema, key: string): number | undefined {
  const value = schema[key];
  return typeof value === 'number' ? value : undefined;
}

/** True unless `value` certainly breaks `schema` (unknown keywords and $ref count as satisfied). */
export function conformsTo(schema: JsonSchema, value: unknown): boolean {
  const types = typesOf(schema);
  if (types && !types.some((t) => typeMatches(t, value))) return false;
  if ('const' in schema && JSON.stringify(schema['const']) !== JSON.stringify(value)) return false;
  const enumValues = schema['enum'];
  if (Array.isArray(enumValues) && !enumValues.some((e) => JSON.stringify(e) === JSON.stringify(value))) return false;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0 && !branches.some((b) => conformsTo(b as JsonSchema, value))) return false;
  }
  const allOf = schema['allOf'];
  if (Array.isArray(allOf) && !allOf.every((b) => conformsTo(b as JsonSchema, value))) return false;

  if (typeof value === 'string') {
    const length = codePoints(value);
    const minLength = num(schema, 'minLength');
    const maxLength = num(schema, 'maxLength');
    if (minLength !== undefined && length < minLength) return false;
    if (maxLength !== undefined && length > maxLength) return false;
    const pattern = schema['pattern'];
    if (typeof pattern === 'string') {
      try {
        if (!new RegExp(pattern, 'u').test(value)) return false;
      } catch {
        // A pattern this engine cannot compile: say nothing about it.
      }
    }
    const format = schema['format'];
    if (typeof format === 'string' && FORMATS[format] && !FORMATS[format].test(value)) return false;
  }
  if (typeof value === 'number') {
    const minimum = num(schema, 'minimum');
    const maximum = num(schema, 'maximum');
    const exclusiveMinimum = num(schema, 'exclusiveMinimum');
    const exclusiveMaximum = num(schema, 'exclusiveMaximum');
    if (minimum !== undefined && value < minimum) return false;
    if (maximum !== undefined && value > maximum) return false;
    if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) return false;
    if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) return false;
  }
  if (Array.isArray(value)) {
    const minItems = num(schema, 'minItems');
    const maxItems = num(schema, 'maxItems');
    if (minItems !== undefined && value.length < minItems) return false;
    if (maxItems !== undefined && value.length > maxItems) return false;
    if (schema['uniqueItems'] === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return false;
    const items = schema['items'];
    if (items && typeof items === 'object' && !Array.isArray(items) && !value.every((v) => conformsTo(items as JsonSchema, v))) return false;
  }
  if (jsonType(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    const required = schema['required'];
    if (Array.isArray(required) && required.some((r) => typeof r === 'string' && !(r in object))) return false;
    for (const [key, child] of Object.entries(object)) {
      const propertySchema = properties[key];
      if (propertySchema) {
        if (!conformsTo(propertySchema, child)) return false;
      } else if (schema['additionalProperties'] === false) {
        return false;
      }
    }
    const maxProperties = num(schema, 'maxProperties');
    if (maxProperties !== undefined && Object.keys(object).length > maxProperties) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Valid examples: the base every bad request is one change away from.

/** A string matching a (simple) regular expression, or undefined when it cannot make one. */
export function sampleForPattern(pattern: string): string | undefined {
  let i = 0;
  const atom = (): string => {
    const c = pattern[i++];
    if (c === undefined) return '';
    if (c === '^' || c === '$') return '';
    if (c === '.') return 'a';
    if (c === '\\') {
      const e = pattern[i++] ?? '';
      return ({ d: '1', w: 'a', s: ' ', S: 'a', D: 'a', W: '-', b: '', n: '\n', t: '\t' } as Record<string, string>)[e] ?? e;
    }
    if (c === '[') {
      const negated = pattern[i] === '^';
      if (negated) i++;
      let first: string | undefined;
      while (i < pattern.length && (pattern[i] !== ']' || first === undefined)) {
        let ch = pattern[i++] ?? '';
        if (ch === '\\') {
          const e = pattern[i++] ?? '';
          ch = ({ d: '1', w: 'a', s: ' ' } as Record<string, string>)[e] ?? e;
        }
        first ??= ch;
      }
      i++;
      return negated ? 'a' : (first ?? 'a');
    }
    if (c === '(') {
      if (pattern[i] === '?' && pattern[i + 1] === ':') i += 2;
      const inner = alternation();
      i++;
      return inner;
    }
    return c;
  };
  const quantified = (): string => {
    const start = i;
    const value = atom();
    const q = pattern[i];
    let times = 1;
    if (q === '*' || q === '?') {
      times = 0;
      i++;
    } else if (q === '+') {
      times = 1;
      i++;
    } else if (q === '{') {
      const close = pattern.indexOf('}', i);
      const m = /^\{(\d+)(,(\d*))?\}$/.exec(pattern.slice(i, close + 1));
      if (m) {
        times = Math.max(Number(m[1]), 1);
        if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < times) times = Number(m[3]);
        if (m[2] === undefined) times = Number(m[1]);
        i = close + 1;
      }
    }
    if (pattern[i] === '?') i++; // lazy
    if (i === start) i++;
    return value.repeat(times);
  };
  const sequence = (): string => {
    let out = '';
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') out += quantified();
    return out;
  };
  const alternation = (): string => {
    const first = sequence();
    while (pattern[i] === '|') {
      i++;
      sequence();
    }
    return first;
  };
  try {
    const out = alternation();
    return new RegExp(pattern, 'u').test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

const FORMAT_EXAMPLES: Record<string, string> = {
  uuid: '00000000-0000-4000-8000-00000000f022',
  email: 'fuzz.case@example.com',
  'date-time': '2026-01-01T00:00:00.000Z',
  date: '2026-01-01',
  uri: 'https://example.com/fuzz',
};

/** A value that satisfies `schema` as far as it can be built from the schema alone. */
export function exampleFor(schema: JsonSchema, depth = 0): unknown {
  if ('const' in schema) return schema['const'];
  if (Array.isArray(schema['examples']) && schema['examples'].length > 0) return schema['examples'][0];
  if ('default' in schema && conformsTo(schema, schema['default'])) return schema['default'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key] as JsonSchema[] | undefined;
    if (Array.isArray(branches) && branches.length > 0) {
      const nonNull = branches.find((b) => b['type'] !== 'null') ?? branches[0];
      return exampleFor(nonNull ?? {}, depth + 1);
    }
  }
  const type = typesOf(schema)?.find((t) => t !== 'null') ?? (schema['properties'] ? 'object' : 'string');
  switch (type) {
    case 'string': {
      const candidates: string[] = [];
      const format = schema['format'];
      if (typeof format === 'string' && FORMAT_EXAMPLES[format]) candidates.push(FORMAT_EXAMPLES[format]);
      if (typeof schema['pattern'] === 'string') {
        const sample = sampleForPattern(schema['pattern']);
        if (sample !== undefined) {
          candidates.push(sample);
          const minLength = num(schema, 'minLength') ?? 0;
          if (codePoints(sample) < minLength && sample.length > 0) candidates.push(sample.repeat(minLength));
        }
      }
      const minLength = Math.max(num(schema, 'minLength') ?? 0, 4);
      candidates.push('fuzz'.padEnd(minLength, 'z'), 'Fuzz case', 'FUZZ');
      return candidates.find((c) => conformsTo(schema, c)) ?? candidates[0];
    }
    case 'integer':
    case 'number': {
      const minimum = num(schema, 'minimum') ?? (num(schema, 'exclusiveMinimum') ?? 0) + 1;
      const maximum = num(schema, 'maximum') ?? Number.MAX_SAFE_INTEGER;
      const candidate = Math.max(1, Math.ceil(minimum));
      return candidate <= maximum ? candidate : Math.ceil(minimum);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const items = (schema['items'] ?? {}) as JsonSchema;
      const count = num(schema, 'minItems') ?? 0;
      return Array.from({ length: count }, (_, i) => {
        const item = exampleFor(items, depth + 1);
        return typeof item === 'string' && schema['uniqueItems'] === true && i > 0 ? `${item}${i}` : item;
      });
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 8) return out;
      const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
      const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
      for (const key of required) out[key] = exampleFor(properties[key] ?? {}, depth + 1);
      return out;
    }
    default:
      return 'fuzz';
  }
}

// ---------------------------------------------------------------------------------------------
// Bad values for one place in a body.

interface BadValue {
  label: string;
  value: unknown;
  /** Raw JSON text to put in place of the value (for numbers JSON.stringify cannot write). */
  raw?: string;
  why?: string;
}

const WRONG_TYPES: Array<[string, unknown]> = [
  ['string', 'fuzz'],
  ['number', 42],
  ['boolean', true],
  ['object', { nested: 'fuzz' }],
  ['array', ['fuzz']],
  ['null', null],
];

function allowedTypes(schema: JsonSchema): Set<string> | undefined {
  const types = typesOf(schema);
  const branches = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[] | undefined;
  const all = types ? [...types] : [];
  if (Array.isArray(branches)) {
    for (const b of branches) {
      const bt = typesOf(b);
      if (!bt) return undefined;
      all.push(...bt);
    }
  } else if (!types) {
    return schema['properties'] ? new Set(['object']) : undefined;
  }
  const set = new Set(all.map((t) => (t === 'integer' ? 'number' : t)));
  return set;
}

function stringSchemaOf(schema: JsonSchema): JsonSchema | undefined {
  if (typesOf(schema)?.includes('string')) return schema;
  const branches = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[] | undefined;
  return Array.isArray(branches) ? branches.find((b) => typesOf(b)?.includes('string')) : undefined;
}

function numberSchemaOf(schema: JsonSchema): JsonSchema | undefined {
  const isNumeric = (s: JsonSchema) => typesOf(s)?.some((t) => t === 'integer' || t === 'number');
  if (isNumeric(schema)) return schema;
  const branches = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[] | undefined;
  return Array.isArray(branches) ? branches.find(isNumeric) : undefined;
}

function badValues(schema: JsonSchema, hugeLength: number): BadValue[] {
  const out: BadValue[] = [];
  const allowed = allowedTypes(schema);
  if (allowed) {
    for (const [type, value] of WRONG_TYPES) if (!allowed.has(type)) out.push({ label: `wrong type (${type})`, value });
  }
  const enumValues = schema['enum'];
  if (Array.isArray(enumValues)) out.push({ label: 'not one of the enum', value: 'not-in-enum-☃' });

  const s = stringSchemaOf(schema);
  if (s) {
    const maxLength = num(s, 'maxLength');
    const minLength = num(s, 'minLength');
    if (maxLength !== undefined) out.push({ label: `over maxLength ${maxLength}`, value: 'x'.repeat(maxLength + 1) });
    if (minLength !== undefined && minLength > 0) out.push({ label: `under minLength ${minLength}`, value: 'x'.repeat(minLength - 1) });
    out.push({ label: 'huge string', value: 'x'.repeat(hugeLength) });
    out.push({ label: 'empty string', value: '' });
    if (typeof s['pattern'] === 'string') out.push({ label: 'breaks pattern', value: ' <script>\'"; --' });
    if (typeof s['format'] === 'string') out.push({ label: `not a ${s['format']}`, value: `not-a-${s['format']} ☃` });
    for (const [label, value] of UNICODE_EDGE_CASES) out.push({ label: `unicode: ${label}`, value });
  }
  const n = numberSchemaOf(schema);
  if (n) {
    const minimum = num(n, 'minimum') ?? num(n, 'exclusiveMinimum');
    const maximum = num(n, 'maximum') ?? num(n, 'exclusiveMaximum');
    out.push({ label: 'negative', value: -1 });
    if (minimum !== undefined && minimum >= 1) out.push({ label: 'zero', value: 0 });
    if (minimum !== undefined && minimum - 1 !== -1 && minimum - 1 !== 0) out.push({ label: `below minimum ${minimum}`, value: minimum - 1 });
    if (maximum !== undefined) out.push({ label: `above maximum ${maximum}`, value: maximum + 1 });
    out.push({ label: 'huge (1e308)', value: 1e308 });
    out.push({ label: 'huge negative (-1e308)', value: -1e308 });
    out.push({ label: 'huge (2^63)', value: 2 ** 63, raw: '9223372036854775808', why: 'JSON numbers past 2^53 lose precision; 2^63 parses as 9223372036854775808 rounded' });
    out.push({ label: 'overflow (1e400)', value: Number.POSITIVE_INFINITY, raw: '1e400', why: 'JSON parses 1e400 as Infinity; a lenient parser may accept it' });
    if (typesOf(n)?.includes('integer')) out.push({ label: 'fractional', value: 1.5 });
  }
  if (typesOf(schema)?.includes('array') || schema['items']) {
    const maxItems = num(schema, 'maxItems');
    const items = (schema['items'] ?? {}) as JsonSchema;
    if (maxItems !== undefined) {
      out.push({ label: `over maxItems ${maxItems}`, value: Array.from({ length: maxItems + 1 }, (_, i) => withSuffix(exampleFor(items), i)) });
    }
    if (schema['uniqueItems'] === true) {
      const item = exampleFor(items);
      out.push({ label: 'duplicate items', value: [item, item] });
    }
    out.push({ label: 'huge array', value: Array.from({ length: 10_000 }, () => exampleFor(items)) });
  }
  return out;
}

function withSuffix(value: unknown, i: number): unknown {
  return typeof value === 'string' ? `${value}${i}` : value;
}

// ---------------------------------------------------------------------------------------------
// Bodies.

type Path = Array<string | number>;

function setAt(target: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...Path];
  const copy: Record<string | number, unknown> | unknown[] = Array.isArray(target) ? [...(target as unknown[])] : { ...(target as Record<string, unknown>) };
  (copy as Record<string | number, unknown>)[head] = setAt((copy as Record<string | number, unknown>)[head], rest, value);
  return copy;
}

function deleteAt(target: unknown, path: Path): unknown {
  if (path.length === 1) {
    const { [String(path[0])]: _removed, ...rest } = target as Record<string, unknown>;
    return rest;
  }
  const [head, ...rest] = path as [string | number, ...Path];
  return setAt(target, [head], deleteAt((target as Record<string | number, unknown>)[head], rest));
}

function getAt(target: unknown, path: Path): unknown {
  let current = target;
  for (const key of path) current = (current as Record<string | number, unknown> | undefined)?.[key];
  return current;
}

function pointer(path: Path): string {
  return path.length ? `/${path.join('/')}` : '(root)';
}

const RAW_MARK = '\u0000fuzz-raw\u0000';

function serialise(value: unknown, raw?: string): string {
  if (raw === undefined) return JSON.stringify(value);
  return JSON.stringify(value, (_key, v: unknown) => (v === Number.POSITIVE_INFINITY || v === 2 ** 63 ? RAW_MARK : v)).replace(JSON.stringify(RAW_MARK), raw);
}

interface BodyCase {
  label: string;
  body: string;
  contentType?: string | undefined;
  expect: Expectation;
  why?: string;
}

/** Every place in a body schema (objects and the first item of arrays), to a bounded depth. */
function places(schema: JsonSchema, path: Path = [], depth = 0): Array<{ path: Path; schema: JsonSchema; required: boolean }> {
  if (depth > 4) return [];
  const out: Array<{ path: Path; schema: JsonSchema; required: boolean }> = [];
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  for (const [key, child] of Object.entries(properties)) {
    out.push({ path: [...path, key], schema: child, required: required.has(key) });
    if (child['properties']) out.push(...places(child, [...path, key], depth + 1));
    const items = child['items'] as JsonSchema | undefined;
    if (items && typeof items === 'object' && items['properties']) out.push(...places(items, [...path, key, 0], depth + 1));
  }
  return out;
}

function bodyCases(schema: JsonSchema, required: boolean, hugeLength: number): BodyCase[] {
  const base = exampleFor(schema);
  const baseText = JSON.stringify(base);
  const cases: BodyCase[] = [
    { label: 'malformed JSON', body: '{"fuzz": ', expect: 'reject' },
    { label: 'trailing garbage after JSON', body: `${baseText} }`, expect: 'reject' },
    { label: 'NaN literal', body: baseText.startsWith('{') && baseText.length > 2 ? `{"fuzzNaN": NaN, ${baseText.slice(1)}` : 'NaN', expect: 'reject' },
    { label: 'empty body with a JSON content type', body: '', expect: 'reject' },
    { label: 'wrong content type (text/plain)', body: baseText, contentType: 'text/plain', expect: 'reject' },
    { label: 'wrong content type (form)', body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded', expect: 'reject' },
    { label: 'no content type', body: baseText, contentType: '', expect: required ? 'reject' : 'no-5xx', why: 'the body is optional' },
    { label: 'oversize body (2 MiB)', body: JSON.stringify({ ...(typeof base === 'object' && base && !Array.isArray(base) ? base : {}), fuzzPadding: 'x'.repeat(2 * 1024 * 1024) }), expect: 'reject' },
    { label: 'deeply nested JSON', body: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`, expect: 'reject' },
  ];
  if (typesOf(schema)?.includes('object') || schema['properties']) {
    for (const [label, body] of [['JSON array', '[]'], ['JSON null', 'null'], ['JSON string', '"fuzz"'], ['JSON number', '42']] as const) {
      cases.push({ label: `${label} instead of an object`, body, expect: 'reject' });
    }
    cases.push({
      label: 'prototype pollution (__proto__)',
      body: baseText.length > 2 ? `{"__proto__": {"role": "admin"}, ${baseText.slice(1)}` : '{"__proto__": {"role": "admin"}}',
      expect: 'reject',
    });
    cases.push({
      label: 'duplicate key with a wrong type last',
      body: baseText.length > 2 ? `${baseText.slice(0, -1)}, ${JSON.stringify(Object.keys(base as object)[0] ?? 'fuzz')}: {"nested": []}}` : '{"fuzz": 1, "fuzz": {}}',
      expect: baseText.length > 2 ? 'reject' : 'no-5xx',
      why: 'an empty schema body may accept any field',
    });
  }
  /** A body with `value` in it; refused unless the schema allows it (or `mayPass` says the service may fill it in). */
  const push = (label: string, value: unknown, options: { raw?: string | undefined; why?: string | undefined; mayPass?: boolean } = {}) => {
    const invalid = !options.mayPass && options.raw === undefined && !conformsTo(schema, value);
    cases.push({
      label,
      body: serialise(value, options.raw),
      expect: invalid ? 'reject' : 'no-5xx',
      ...(invalid ? {} : { why: options.why ?? 'the schema allows this value' }),
    });
  };
  // Unknown field at the top level.
  if (base && typeof base === 'object' && !Array.isArray(base)) {
    push('unknown field', { ...base, fuzzUnknownField: true }, { why: 'the schema does not forbid additional properties' });
  }
  for (const place of places(schema)) {
    // A base in which every parent of this place exists (optional parents and array items filled in).
    let where = base;
    for (let i = 1; i < place.path.length; i++) {
      const parentPath = place.path.slice(0, i);
      if (getAt(where, parentPath) === undefined) {
        const next = place.path[i];
        where = setAt(where, parentPath, typeof next === 'number' ? [] : {});
      }
    }
    const parentPath = place.path.slice(0, -1);
    if (place.path.length > 1 && typeof place.path.at(-1) !== 'number') {
      const parentSchema = placeSchema(schema, parentPath);
      if (parentSchema && getAt(where, parentPath) && typeof getAt(where, parentPath) === 'object' && Object.keys(getAt(where, parentPath) as object).length === 0) {
        where = setAt(where, parentPath, exampleFor(parentSchema));
      }
    }
    const at = pointer(place.path);
    if (place.required && 'default' in place.schema) push(`missing required ${at}`, deleteAt(where, place.path), { mayPass: true, why: 'the validator fills in the documented default' });
    else if (place.required) push(`missing required ${at}`, deleteAt(where, place.path));
    for (const bad of badValues(place.schema, hugeLength)) {
      push(`${at} ${bad.label}`, setAt(where, place.path, bad.value), { raw: bad.raw, why: bad.why });
    }
    if (place.schema['properties']) {
      const current = getAt(where, place.path);
      const object = current && typeof current === 'object' && !Array.isArray(current) ? current : exampleFor(place.schema);
      push(`${at} unknown nested field`, setAt(where, place.path, { ...(object as object), fuzzUnknownField: true }), { why: 'the schema does not forbid additional properties' });
    }
  }
  return cases;
}

function placeSchema(schema: JsonSchema, path: Path): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (const key of path) {
    if (!current) return undefined;
    current = typeof key === 'number' ? (current['items'] as JsonSchema | undefined) : ((current['properties'] as Record<string, JsonSchema> | undefined)?.[key] ?? undefined);
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// Parameters (path, query, header): text, coerced to the schema's type by the service.

/** How a service's validator reads a text parameter: numbers and booleans from their text. */
function coerced(schema: JsonSchema, text: string): unknown {
  const types = typesOf(numberSchemaOf(schema) ?? schema) ?? [];
  if ((types.includes('integer') || types.includes('number')) && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

interface TextValue {
  label: string;
  /** Already percent-encoded for URLs; plain ASCII for headers. */
  encoded: string;
  /** The decoded text the service sees (undefined when decoding fails: not valid UTF-8). */
  decoded: string | undefined;
}

function text(label: string, decoded: string): TextValue {
  return { label, encoded: encodeURIComponent(decoded), decoded };
}

function badTexts(schema: JsonSchema, where: 'path' | 'query' | 'header'): TextValue[] {
  const out: TextValue[] = [
    text('not the documented shape', 'not-valid ☃'),
    text('negative number', '-1'),
    text('zero', '0'),
    text('fractional number', '1.5'),
    text('huge number (2^63)', '9223372036854775808'),
    text('huge number (1e308)', '1e308'),
    text('overflow (1e400)', '1e400'),
    text('SQL-ish text', "1' OR '1'='1"),
  ];
  const s = stringSchemaOf(schema);
  const maxLength = s ? num(s, 'maxLength') : undefined;
  if (maxLength !== undefined && maxLength < 4_000) out.push(text(`over maxLength ${maxLength}`, 'x'.repeat(maxLength + 1)));
  out.push(text('long text (4,000 characters)', 'x'.repeat(4_000)));
  if (where !== 'header') {
    out.push(text('empty', ''));
    out.push(text('dot segment', '..'));
    out.push({ label: 'encoded slash', encoded: '..%2F..%2Fetc%2Fpasswd', decoded: '../../etc/passwd' });
    out.push({ label: 'NUL byte', encoded: 'a%00b', decoded: 'a\u0000b' });
    out.push({ label: 'encoded lone surrogate (invalid UTF-8)', encoded: '%ED%A0%80', decoded: undefined });
    out.push({ label: 'broken percent-encoding', encoded: '%E2%98', decoded: undefined });
    out.push(text('unicode: RTL override', '\u202Eabc'));
    out.push(text('unicode: emoji', '🛒'));
  } else {
    out.push(text('empty', ''));
    out.push(text('control characters (tab)', 'a\tb'));
  }
  return out;
}

function parameterCases(parameter: Parameter): Array<{ value: TextValue; expect: Expectation; why?: string }> {
  const schema = parameter.schema ?? {};
  return badTexts(schema, parameter.in === 'path' ? 'path' : parameter.in === 'header' ? 'header' : 'query').map((value) => {
    if (value.decoded === undefined) return { value, expect: 'no-5xx' as const, why: 'not valid UTF-8: a router may refuse it or pass it on undecoded' };
    if (parameter.in === 'path' && value.decoded === '') return { value, expect: 'no-5xx' as const, why: 'an empty path segment may route elsewhere (e.g. to the collection)' };
    if (parameter.in === 'path' && /[/]|^\.\.?$/.test(value.decoded)) return { value, expect: 'no-5xx' as const, why: 'dot segments and slashes may be resolved by the client or router' };
    if (parameter.in === 'query' && value.decoded === '' && !parameter.required) return { value, expect: 'no-5xx' as const, why: 'an empty optional query value may be read as absent' };
    const valid = conformsTo(schema, coerced(schema, value.decoded));
    return valid ? { value, expect: 'no-5xx' as const, why: 'the value matches the parameter schema' } : { value, expect: 'reject' as const };
  });
}

// ---------------------------------------------------------------------------------------------

function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? encodeURIComponent('fuzz'));
}

function queryString(values: Array<[string, string]>): string {
  return values.length ? `?${values.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')}` : '';
}

/** Every bad request for every operation of `document` (an OpenAPI 3.x object). */
export function generateBadRequests(document: unknown, options: FuzzOptions = {}): BadRequest[] {
  const hugeLength = options.hugeStringLength ?? 100_000;
  const paths = ((document as { paths?: unknown })?.paths ?? {}) as Record<string, Record<string, unknown>>;
  const out: BadRequest[] = [];
  for (const [template, item] of Object.entries(paths)) {
    const shared = (item['parameters'] ?? []) as Parameter[];
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      const operation = `${method.toUpperCase()} ${template}`;
      if (options.skip?.(operation)) continue;
      const parameters = [...shared.filter((p) => !(op.parameters ?? []).some((q) => q.name === p.name && q.in === p.in)), ...(op.parameters ?? [])];
      const pathValues: Record<string, string> = {};
      const query: Array<[string, string]> = [];
      const headers: Record<string, string> = {};
      for (const p of parameters) {
        const example = exampleFor(p.schema ?? {});
        const textValue = typeof example === 'string' ? example : JSON.stringify(example);
        if (p.in === 'path') pathValues[p.name] = encodeURIComponent(textValue);
        else if (p.in === 'query' && p.required) query.push([p.name, encodeURIComponent(textValue)]);
        else if (p.in === 'header' && p.required) headers[p.name.toLowerCase()] = textValue;
      }
      const bodySchema = op.requestBody?.content?.[JSON_TYPE]?.schema;
      const bodyRequired = op.requestBody?.required === true;
      const baseBody = bodySchema ? JSON.stringify(exampleFor(bodySchema)) : undefined;
      const baseHeaders = bodySchema ? { ...headers, 'content-type': JSON_TYPE } : headers;
      const add = (label: string, request: { url?: string; headers?: Record<string, string>; body?: string | undefined }, expect: Expectation, why?: string) => {
        const entry: BadRequest = {
          name: `${operation} ${label}`,
          operation,
          method: method.toUpperCase(),
          url: request.url ?? `${fillPath(template, pathValues)}${queryString(query)}`,
          headers: request.headers ?? baseHeaders,
          expect,
        };
        const body = 'body' in request ? request.body : baseBody;
        if (body !== undefined) entry.body = body;
        if (expect === 'no-5xx') entry.why = why ?? 'the request may be valid';
        out.push(entry);
      };

      for (const p of parameters) {
        if (p.in === 'cookie') continue;
        if (p.in === 'query' && p.required) {
          const url = `${fillPath(template, pathValues)}${queryString(query.filter(([k]) => k !== p.name))}`;
          if (p.schema && 'default' in p.schema) add(`query ${p.name} missing`, { url }, 'no-5xx', 'the validator fills in the documented default');
          else add(`query ${p.name} missing`, { url }, 'reject');
        }
        if (p.in === 'header' && p.required) {
          const { [p.name.toLowerCase()]: _removed, ...rest } = baseHeaders;
          add(`header ${p.name} missing`, { headers: rest }, 'reject');
        }
        for (const c of parameterCases(p)) {
          if (p.in === 'path') {
            add(`path ${p.name} ${c.value.label}`, { url: `${fillPath(template, { ...pathValues, [p.name]: c.value.encoded })}${queryString(query)}` }, c.expect, c.why);
          } else if (p.in === 'query') {
            add(`query ${p.name} ${c.value.label}`, { url: `${fillPath(template, pathValues)}${queryString([...query.filter(([k]) => k !== p.name), [p.name, c.value.encoded]])}` }, c.expect, c.why);
          } else if (c.value.decoded !== undefined && /^[\x20-\x7e\t]*$/.test(c.value.decoded)) {
            // Headers carry visible ASCII only (a client library refuses anything else).
            add(`header ${p.name} ${c.value.label}`, { headers: { ...baseHeaders, [p.name.toLowerCase()]: c.value.decoded } }, c.expect, c.why);
          }
        }
      }
      for (const p of parameters.filter((q) => q.in === 'query')) {
        add(`query ${p.name} repeated`, { url: `${fillPath(template, pathValues)}${queryString([...query, [p.name, '1'], [p.name, '2']])}` }, 'no-5xx', 'a repeated parameter may be read as its first or last value');
      }
      add('unknown query parameter', { url: `${fillPath(template, pathValues)}${queryString([...query, ['fuzzUnknown', encodeURIComponent('☃')]])}` }, 'no-5xx', 'unknown query parameters are ignored');

      if (bodySchema) {
        for (const c of bodyCases(bodySchema, bodyRequired, hugeLength)) {
          const caseHeaders = { ...headers };
          if (c.contentType === undefined) caseHeaders['content-type'] = JSON_TYPE;
          else if (c.contentType !== '') caseHeaders['content-type'] = c.contentType;
          add(`body ${c.label}`, { headers: caseHeaders, body: c.body }, c.expect, c.why);
        }
        if (bodyRequired) add('body missing', { headers, body: undefined }, 'reject');
      } else if (method !== 'get' && method !== 'head') {
        add('unexpected malformed JSON body', { headers: { ...headers, 'content-type': JSON_TYPE }, body: '{"fuzz": ' }, 'no-5xx', 'a route without a body may ignore it');
      }
    }
  }
  const seen = new Map<string, number>();
  for (const entry of out) {
    const n = seen.get(entry.name) ?? 0;
    seen.set(entry.name, n + 1);
    if (n > 0) entry.name = `${entry.name} #${n + 1}`;
  }
  return out;
}
