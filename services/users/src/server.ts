// Users process: validate config, start tracing (before anything it instruments is imported),
// migrate, make the configured admin, build the app, listen; shut down in reverse on SIGTERM.
import { ConfigError, createLogger, loadConfig, startOrExit, startTracing } from '@shopwatch/platform';
import { UsersConfigSchema } from './config.ts';

startOrExit(async () => {
  const config = loadConfig(UsersConfigSchema);
  if ((config.ADMIN_EMAIL === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  const tracing = await startTracing({ service: 'users', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, sampleRatio: config.OTEL_TRACES_SAMPLER_ARG, protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL });
  const platform = await import('@shopwatch/platform');
  const { buildUsersApp } = await import('./app.ts');
  const { migrateUsers } = await import('./migrate.ts');
  const { ensureAdmin } = await import('./create-admin.ts');

  const logger = createLogger({ service: 'users', level: config.LOG_LEVEL });
  if (config.RUN_MIGRATIONS) {
    const applied = await migrateUsers(config.DATABASE_URL);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const pool = platform.createPool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, applicationName: 'users' });
  const password = { memoryKib: config.PASSWORD_MEMORY_KIB, timeCost: config.PASSWORD_TIME_COST };
  if (config.ADMIN_EMAIL !== undefined && config.ADMIN_PASSWORD !== undefined) {
    const outcome = await ensureAdmin(pool, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }, password);
    logger.info({ outcome }, 'configured admin account');
  }
  const faults = platform.watchFaults({ schema: platform.HttpFaultsSchemaFile, file: config.FAULTS_FILE, logger });
  const app = await buildUsersApp({
    faults,
    pool,
    logger,
    jwt: { secret: config.JWT_SECRET },
    tokenTtlSeconds: config.TOKEN_TTL_SECONDS,
    lockout: { maxFailures: config.LOGIN_MAX_FAILURES, lockSeconds: config.LOGIN_LOCKOUT_SECONDS },
    password,
  });
  // Runs after in-flight requests finished: the faults poller stops, then the pool closes.
  app.addHook('onClose', async () => {
    faults.stop();
    await pool.end();
    await tracing.shutdown();
  });
  await platform.runService(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  logger.info({ port: config.PORT, tracing: tracing.enabled }, 'users listening');
});
