import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, withBaseConfig } from '../../src/index.ts';

const Schema = withBaseConfig({ DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }) });

describe('loadConfig', () => {
  it('converts, applies defaults and keeps given values', () => {
    const config = loadConfig(Schema, { DATABASE_URL: 'postgres://db/x', PORT: '8102', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    expect(config).toMatchObject({ DATABASE_URL: 'postgres://db/x', PORT: 8102, LOG_LEVEL: 'info', OTEL_TRACES_SAMPLER_ARG: 0.25 });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(Schema, { DATABASE_URL: 'postgres://x', PORT: '' }).PORT).toBe(8080);
  });

  it.each([
    [{ PORT: '1' }, 'invalid configuration: DATABASE_URL is required but not set'],
    [{ DATABASE_URL: 'postgres://x', PORT: 'abc' }, 'invalid configuration: PORT must be integer (got "abc")'],
    [{ DATABASE_URL: 'postgres://x', PORT: '70000' }, 'invalid configuration: PORT must be <= 65535 (got "70000")'],
    [{ DATABASE_URL: 'mysql://x' }, 'invalid configuration: DATABASE_URL must match pattern "^postgres(ql)?://" (got "mysql://x")'],
    [{ DATABASE_URL: 'postgres://x', LOG_LEVEL: 'loud' }, 'invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
  ])('rejects %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(Schema, env)).toThrow(ConfigError);
    expect(() => loadConfig(Schema, env)).toThrow(message);
  });
});
