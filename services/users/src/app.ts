// Builds the users app from its dependencies. No process concerns here (ports, signals,
// migrations): server.ts does those, tests call buildUsersApp directly with real PostgreSQL.
import { createApp, createMetrics, pingDatabase, registerHttpFaults, type App, type HttpFaults, type JwtSettings, type Logger, type Pool } from '@shopwatch/platform';
import type { LockoutPolicy } from './domain/lockout.ts';
import { PasswordHasher, type HasherSettings } from './plugins/password-hasher.ts';
import { countActiveSessions } from './plugins/users-repository.ts';
import { createUsersMetrics } from './plugins/users-metrics.ts';
import { registerAccountRoutes } from './routes/accounts.ts';
import type { UsersContext } from './routes/context.ts';

export interface UsersDeps {
  pool: Pool;
  logger: Logger;
  jwt: JwtSettings;
  tokenTtlSeconds?: number;
  lockout?: LockoutPolicy;
  password?: HasherSettings;
  now?: () => Date;
  /** Run-time faults (from FAULTS_FILE); none when absent. */
  faults?: { current(): { http: HttpFaults } };
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockSeconds: 900 };
export const DEFAULT_PASSWORD: HasherSettings = { memoryKib: 19_456, timeCost: 2 };

export async function buildUsersApp(deps: UsersDeps): Promise<App> {
  const now = deps.now ?? (() => new Date());
  const serviceMetrics = createMetrics('users');
  const metrics = createUsersMetrics(serviceMetrics.registry, () => countActiveSessions(deps.pool, now()));
  const app = await createApp({
    service: 'users',
    description: 'Accounts, login and profiles for Shopwatch. Issues the JWTs every other service verifies.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  const ctx: UsersContext = {
    pool: deps.pool,
    jwt: deps.jwt,
    hasher: new PasswordHasher(deps.password ?? DEFAULT_PASSWORD, metrics.passwordHashDuration),
    metrics,
    lockout: deps.lockout ?? DEFAULT_LOCKOUT,
    tokenTtlSeconds: deps.tokenTtlSeconds ?? 3600,
    now,
  };
  app.readiness.add('postgres', () => pingDatabase(deps.pool));
  if (deps.faults) registerHttpFaults(app, deps.faults);
  registerAccountRoutes(app, ctx);
  return app;
}
