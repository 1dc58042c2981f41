// psp process through the platform's startService; psp's own: its app and its faults schema.
import { startService } from '@shopwatch/platform';
import { loadPspConfig } from './config.ts';

startService({
  name: 'psp',
  config: () => loadPspConfig(),
  async start({ config, logger, faults }) {
    const { buildPspApp } = await import('./app.ts');
    const { PspFaultsFileSchema } = await import('./faults.ts');
    const app = await buildPspApp({
      logger,
      faults: faults(PspFaultsFileSchema),
      maxAmountCents: config.PSP_MAX_AMOUNT_CENTS,
      currencies: config.PSP_CURRENCIES.split(','),
      maxRecords: config.PSP_MAX_RECORDS,
    });
    return { app };
  },
});
