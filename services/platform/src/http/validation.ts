// Request validation. Two Ajv instances on purpose:
// - query strings, params and headers arrive as text, so they are coerced to the declared types;
// - bodies are JSON and are validated exactly as sent: `"12"` is not a number, and unknown
//   properties are rejected (Fastify's default silently strips them, which hides client bugs).
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldError } from './problem.ts';

function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: true,
    strict: false,
  });
  (addFormats as unknown as (ajv: Ajv) => Ajv)(ajv);
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv('array');

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return ajv.compile<unknown>(schema as object);
};

/** Turns Ajv errors into one entry per offending field, JSON-pointer addressed. */
export function fieldErrors(part: string | undefined, errors: ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors.slice(0, 20)) {
    let path = error.instancePath;
    if (error.keyword === 'additionalProperties' && typeof error.params.additionalProperty === 'string') {
      path += `/${error.params.additionalProperty}`;
    } else if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
      path += `/${error.params.missingProperty}`;
    }
    const field = `/${part ?? 'request'}${path}`;
    const message =
      error.keyword === 'additionalProperties'
        ? 'is not allowed'
        : error.keyword === 'required'
          ? 'is required'
          : (error.message ?? 'is invalid');
    const key = `${field} ${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      result.push({ field, message });
    }
  }
  return result;
}
