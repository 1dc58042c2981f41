import { ConfigError, loadConfig, withAuth, withBaseConfig, withDatabase } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const UsersConfigSchema = withBaseConfig({
  ...withDatabase(),
  ...withAuth(),
  /** Lifetime of an access token (and so of a session), in seconds. */
  TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 3_600 }),
  /** Failed logins in a row after which an account is locked. */
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** How long a locked account stays locked, in seconds. */
  LOGIN_LOCKOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
  /** argon2id cost; the defaults are OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane). */
  PASSWORD_MEMORY_KIB: Type.Integer({ minimum: 19_456, maximum: 1_048_576, default: 19_456 }),
  PASSWORD_TIME_COST: Type.Integer({ minimum: 2, maximum: 10, default: 2 }),
  /** With ADMIN_PASSWORD: the admin account made (or promoted, and its password set) at start. */
  ADMIN_EMAIL: Type.Optional(Type.String({ format: 'email', pattern: '^\\S+@\\S+$', maxLength: 254 })),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 12, maxLength: 128 })),
});
export type UsersConfig = Static<typeof UsersConfigSchema>;

export function loadUsersConfig(env: NodeJS.ProcessEnv = process.env): UsersConfig {
  const config = loadConfig(UsersConfigSchema, env);
  if ((config.ADMIN_EMAIL === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  return config;
}
