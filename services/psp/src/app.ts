// Builds the psp app (a simulated external payment provider). No process concerns here: server.ts
// listens, handles signals and gives it its ledger in PostgreSQL; in-process tests give it a
// memory store (and may share one across "restarts").
import { createApp, createMetrics, registerHttpFaults, type App, type Logger } from '@shopwatch/platform';
import { Value } from 'typebox/value';
import { PspFaultsFileSchema, type PspFaultsFile } from './faults.ts';
import type { AuthorizationStore } from './plugins/authorization-store.ts';
import { createPspMetrics } from './plugins/psp-metrics.ts';
import { registerAuthorizationRoutes } from './routes/authorizations.ts';

export interface PspDeps {
  logger: Logger;
  /** Where authorisations live: PostgreSQL in the process, memory in in-process tests. */
  store: AuthorizationStore;
  /** Run-time faults (from FAULTS_FILE); none when absent. */
  faults?: { current(): PspFaultsFile };
  maxAmountCents?: number;
  currencies?: readonly string[];
  random?: () => number;
}

const NO_FAULTS = Value.Default(PspFaultsFileSchema, {}) as PspFaultsFile;

export async function buildPspApp(deps: PspDeps): Promise<App> {
  const serviceMetrics = createMetrics('psp');
  const app = await createApp({
    service: 'psp',
    description: 'A simulated external payment provider: authorisations, captures and voids with test card tokens, idempotency keys and fault knobs.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  const faults = deps.faults ?? { current: () => NO_FAULTS };
  const random = deps.random ?? Math.random;
  registerHttpFaults(app, faults, random);
  registerAuthorizationRoutes(app, {
    store: deps.store,
    metrics: createPspMetrics(serviceMetrics.registry),
    faults: () => faults.current(),
    maxAmountCents: deps.maxAmountCents ?? 100_000_000,
    currencies: new Set(deps.currencies ?? ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK']),
    random,
  });
  return app;
}
