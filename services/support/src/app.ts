// Builds the support app from its dependencies. No process concerns here (ports, signals,
// migrations): server.ts does those, tests call buildSupportApp directly with real PostgreSQL.
import { SUPPORT_EVENTS_TOPIC } from '@shopwatch/contracts';
import { createApp, createMetrics, pingDatabase, registerHttpFaults, type App, type HttpFaults, type JwtSettings, type Logger, type Pool } from '@shopwatch/platform';
import { createSupportMetrics } from './plugins/support-metrics.ts';
import { countUnresolved } from './plugins/ticket-repository.ts';
import type { SupportContext } from './routes/context.ts';
import { registerTicketRoutes } from './routes/tickets.ts';

export interface SupportDeps {
  pool: Pool;
  logger: Logger;
  jwt: JwtSettings;
  now?: () => Date;
  /** Where ticket facts go (default: the registry's `shop.support.events.v1`). */
  eventsTopic?: string;
  /** Run-time faults (from FAULTS_FILE); none when absent. */
  faults?: { current(): { http: HttpFaults } };
}

export async function buildSupportApp(deps: SupportDeps): Promise<App> {
  const serviceMetrics = createMetrics('support');
  const metrics = createSupportMetrics(serviceMetrics.registry, () => countUnresolved(deps.pool));
  const app = await createApp({
    service: 'support',
    description: 'Contact-support tickets for Shopwatch: conversations between shoppers and agents, first-response and resolution times, satisfaction.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  const ctx: SupportContext = { pool: deps.pool, jwt: deps.jwt, metrics, now: deps.now ?? (() => new Date()), eventsTopic: deps.eventsTopic ?? SUPPORT_EVENTS_TOPIC };
  app.readiness.add('postgres', () => pingDatabase(deps.pool));
  if (deps.faults) registerHttpFaults(app, deps.faults);
  registerTicketRoutes(app, ctx);
  return app;
}
