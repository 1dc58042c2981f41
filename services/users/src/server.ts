// Users process through the platform's startService; users' own: the configured admin account,
// made (or promoted) once the database is migrated and before requests are served.
import { startService } from '@shopwatch/platform';
import { loadUsersConfig } from './config.ts';

startService({
  name: 'users',
  config: () => loadUsersConfig(),
  async start({ config, logger, database, faults }) {
    const { buildUsersApp } = await import('./app.ts');
    const { migrateUsers } = await import('./migrate.ts');
    const { ensureAdmin } = await import('./create-admin.ts');
    const pool = await database(migrateUsers);
    const password = { memoryKib: config.PASSWORD_MEMORY_KIB, timeCost: config.PASSWORD_TIME_COST };
    if (config.ADMIN_EMAIL !== undefined && config.ADMIN_PASSWORD !== undefined) {
      const outcome = await ensureAdmin(pool, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }, password);
      logger.info({ outcome }, 'configured admin account');
    }
    const app = await buildUsersApp({
      faults: faults(),
      pool,
      logger,
      jwt: { secret: config.JWT_SECRET },
      tokenTtlSeconds: config.TOKEN_TTL_SECONDS,
      lockout: { maxFailures: config.LOGIN_MAX_FAILURES, lockSeconds: config.LOGIN_LOCKOUT_SECONDS },
      password,
    });
    return { app };
  },
});
