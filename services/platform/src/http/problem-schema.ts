// The route-schema side of RFC 9457 problems (problem.ts is the runtime side): one TypeBox schema
// every route names for its error answers, so the OpenAPI of every service describes a problem
// the same way. `type`, `title`, `status`, `detail` are always present; `errors`, `instance` and
// extensions (e.g. `retryAfterSeconds`) are allowed, hence `additionalProperties: true`.
import { Type, type TSchema } from 'typebox';

export const ProblemSchema = Type.Object(
  { type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.String() },
  { additionalProperties: true },
);

/**
 * `{ 400: ProblemSchema, 404: ProblemSchema, … }` for a route's `response`, e.g.
 * `response: { 200: Product, ...problemResponses(400, 404) }`.
 */
export function problemResponses<const S extends readonly number[]>(...statuses: S): { [K in S[number]]: typeof ProblemSchema } {
  const responses: Record<number, TSchema> = {};
  for (const status of statuses) {
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`a problem answers with a 4xx or 5xx status, not ${status}`);
    responses[status] = ProblemSchema;
  }
  return responses as { [K in S[number]]: typeof ProblemSchema };
}
