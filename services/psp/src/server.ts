// psp process through the platform's startService; psp's own: its ledger in PostgreSQL, its faults
// schema and the retention sweep (a job, 0 = off).
import { RecurringJob, startService } from '@shopwatch/platform';
import { loadPspConfig } from './config.ts';

startService({
  name: 'psp',
  config: () => loadPspConfig(),
  async start({ config, logger, database, faults }) {
    const { buildPspApp } = await import('./app.ts');
    const { migratePsp } = await import('./migrate.ts');
    const { PspFaultsFileSchema } = await import('./faults.ts');
    const { PgAuthorizationStore } = await import('./plugins/pg-authorization-store.ts');
    const pool = await database(migratePsp);
    const store = new PgAuthorizationStore(pool);
    const app = await buildPspApp({
      logger,
      store,
      faults: faults(PspFaultsFileSchema),
      maxAmountCents: config.PSP_MAX_AMOUNT_CENTS,
      currencies: config.PSP_CURRENCIES.split(','),
    });
    const sweeper = new RecurringJob(
      async () => {
        const swept = await store.sweep(config.PSP_RETENTION_HOURS);
        if (swept.authorizations + swept.attempts > 0) logger.info({ ...swept, retentionHours: config.PSP_RETENTION_HOURS }, 'retention sweep');
      },
      { onError: (error) => logger.warn({ err: error }, 'retention sweep failed; the next interval retries') },
    );
    return { app, jobs: [{ name: 'retention sweep', job: sweeper, everyMs: config.PSP_SWEEP_INTERVAL_MS }] };
  },
});
