import type { JwtSettings, Pool } from '@shopwatch/platform';
import type { LockoutPolicy } from '../domain/lockout.ts';
import type { PasswordHasher } from '../plugins/password-hasher.ts';
import type { UsersMetrics } from '../plugins/users-metrics.ts';

/** What users' routes need, built once in app.ts. */
export interface UsersContext {
  pool: Pool;
  jwt: JwtSettings;
  hasher: PasswordHasher;
  metrics: UsersMetrics;
  lockout: LockoutPolicy;
  tokenTtlSeconds: number;
  now: () => Date;
}
