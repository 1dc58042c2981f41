// One OpenAPI document for the whole shop: each upstream's document with its paths under
// `/api/<service>`, its tags and schema names prefixed with the service (so two services' `Product`
// cannot collide), and the gateway's access policy written onto every operation.
import { accessFor, type ServicePolicy } from './upstreams.ts';

interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface UpstreamDocument {
  service: string;
  policy: ServicePolicy;
  /** The upstream's /openapi.json, or undefined when it could not be fetched. */
  document: unknown;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function isDocument(value: unknown): value is OpenApiDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergeOpenApi(upstreams: UpstreamDocument[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  const tags: Array<{ name: string }> = [];
  const unavailable: string[] = [];

  for (const { service, policy, document } of upstreams) {
    if (!isDocument(document)) {
      unavailable.push(service);
      continue;
    }
    tags.push({ name: service });
    // Schema references move with the renamed schemas.
    const rewritten = JSON.parse(
      JSON.stringify({ paths: document.paths ?? {}, schemas: document.components?.schemas ?? {} }).replace(
        /"#\/components\/schemas\/([^"]+)"/g,
        (_m, name: string) => `"#/components/schemas/${service}_${name}"`,
      ),
    ) as { paths: Record<string, Record<string, unknown>>; schemas: Record<string, unknown> };
    for (const [name, schema] of Object.entries(rewritten.schemas)) schemas[`${service}_${name}`] = schema;
    for (const [path, item] of Object.entries(rewritten.paths)) {
      const operations: Record<string, unknown> = {};
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.has(method) || typeof operation !== 'object' || operation === null) {
          operations[method] = operation;
          continue;
        }
        const op = operation as Record<string, unknown>;
        const access = accessFor(policy, method.toUpperCase(), path);
        const upstreamTags = Array.isArray(op['tags']) ? (op['tags'] as unknown[]).map((t) => `${service}.${String(t)}`) : [];
        for (const tag of upstreamTags) if (!tags.some((t) => t.name === tag)) tags.push({ name: tag });
        operations[method] = {
          ...op,
          tags: [service, ...upstreamTags],
          ...(typeof op['operationId'] === 'string' ? { operationId: `${service}.${op['operationId']}` } : {}),
          ...(access === 'public' ? {} : { security: [{ bearer: [] }] }),
          'x-shopwatch-access': access,
        };
      }
      paths[`/api/${service}${path === '/' ? '' : path}`] = operations;
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Shopwatch API',
      version,
      description: 'Every public service of the shop behind the gateway. Paths are `/api/<service>/…`.',
    },
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    tags,
    'x-shopwatch-unavailable': unavailable,
  };
}
