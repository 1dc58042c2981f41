// Configuration from environment variables, validated once at start. A missing or invalid value
// stops start-up with one line naming the variable, because a half-configured service that
// starts anyway fails later in ways that are much harder to read.
import { Type, type Static, type TObject, type TProperties } from 'typebox';
import { Value } from 'typebox/value';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Settings every service shares; services extend this with their own. */
export const BaseConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: Type.Union(
    [Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')],
    { default: 'info' },
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  OTEL_TRACES_SAMPLER_ARG: Type.Number({ minimum: 0, maximum: 1, default: 0.1 }),
  OTEL_EXPORTER_OTLP_PROTOCOL: Type.Union([Type.Literal('http/protobuf'), Type.Literal('http/json')], { default: 'http/protobuf' }),
  FAULTS_FILE: Type.Optional(Type.String({ minLength: 1 })),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
});
export type BaseConfig = Static<typeof BaseConfigSchema>;

/** Merge the base schema with a service's own variables. */
export function withBaseConfig<P extends TProperties>(properties: P) {
  return Type.Object({ ...BaseConfigSchema.properties, ...properties });
}

/**
 * Reads `schema`'s properties from `env`, converts strings to the declared types, applies
 * defaults and validates. Throws ConfigError whose message is one line naming the variable.
 */
export function loadConfig<S extends TObject>(schema: S, env: NodeJS.ProcessEnv = process.env): Static<S> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    // An empty variable means "not set": `FOO=` in an env file should fall back to the default.
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const converted = Value.Convert(schema, Value.Default(schema, { ...raw }));
  const errors = Value.Errors(schema, converted);
  const first = errors[0];
  if (first !== undefined) {
    const name = variableName(first.instancePath, first.params);
    if (name !== undefined && raw[name] === undefined) {
      throw new ConfigError(`invalid configuration: ${name} is required but not set`);
    }
    const allowed = name !== undefined ? literalChoices(schema.properties[name]) : undefined;
    const problem = allowed ? `must be one of ${allowed.join(', ')}` : first.message;
    const given = name !== undefined ? ` (got ${JSON.stringify(raw[name])})` : '';
    throw new ConfigError(`invalid configuration: ${name ?? 'environment'} ${problem}${given}`);
  }
  return converted as Static<S>;
}

function variableName(instancePath: string, params: unknown): string | undefined {
  const fromPath = instancePath.split('/').filter(Boolean)[0];
  if (fromPath) return fromPath;
  if (typeof params === 'object' && params !== null && 'requiredProperties' in params) {
    const required = params.requiredProperties;
    if (Array.isArray(required) && typeof required[0] === 'string') return required[0];
  }
  return undefined;
}

/** For a union of string literals, the allowed values (for a readable message). */
function literalChoices(schema: unknown): string[] | undefined {
  if (typeof schema !== 'object' || schema === null || !('anyOf' in schema) || !Array.isArray(schema.anyOf)) return undefined;
  const values = (schema.anyOf as unknown[]).map((s) => (typeof s === 'object' && s !== null && 'const' in s ? s.const : undefined));
  return values.every((v): v is string => typeof v === 'string') ? values : undefined;
}
