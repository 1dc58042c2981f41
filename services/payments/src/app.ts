// Builds the payments app from its dependencies. No process concerns here (ports, signals,
// migrations, Kafka): server.ts does those; tests call buildPaymentsApp with real PostgreSQL and
// a real psp app on a port.
import { createApp, createMetrics, pingDatabase, registerHttpFaults, type App, type HttpFaults, type Logger, type Pool, type RetryPolicy } from '@shopwatch/platform';
import { PaymentService } from './plugins/payment-service.ts';
import { createPaymentsMetrics, type PaymentsMetrics } from './plugins/payments-metrics.ts';
import { createPspClient, type BreakerSettings, type PspClient } from './plugins/psp-client.ts';
import { registerPaymentRoutes } from './routes/payments.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Authorise/capture/void; the saga consumer (server.ts) uses the same service. */
    payments: PaymentService;
    /** The psp adapter (breaker state for tests and readiness). */
    psp: PspClient;
    paymentsMetrics: PaymentsMetrics;
  }
}

export interface PaymentsDeps {
  pool: Pool;
  logger: Logger;
  psp: {
    baseUrl: string;
    breaker: BreakerSettings;
    retry: RetryPolicy;
    connections?: number;
  };
  defaultCardToken?: string;
  now?: () => Date;
  random?: () => number;
  /** Run-time faults (from FAULTS_FILE); none when absent. */
  faults?: { current(): { http: HttpFaults } };
}

export const DEFAULT_BREAKER: BreakerSettings = { timeoutMs: 2_000, errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeoutMs: 5_000, rollingWindowMs: 10_000 };

export async function buildPaymentsApp(deps: PaymentsDeps): Promise<App> {
  const serviceMetrics = createMetrics('payments');
  const metrics = createPaymentsMetrics(serviceMetrics.registry);
  const app = await createApp({
    service: 'payments',
    description: 'Payment authorisations, captures and voids through psp, behind a circuit breaker.',
    logger: deps.logger,
    metrics: serviceMetrics,
  });
  const psp = createPspClient({
    baseUrl: deps.psp.baseUrl,
    breaker: deps.psp.breaker,
    retry: deps.psp.retry,
    metrics,
    ...(deps.psp.connections ? { connections: deps.psp.connections } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  });
  const service = new PaymentService({ pool: deps.pool, psp, metrics, now: deps.now ?? (() => new Date()), defaultCardToken: deps.defaultCardToken ?? 'tok_visa' });

  // psp is deliberately not a readiness check: an open breaker answers fast with psp_unavailable,
  // which is what callers (and the saga) should see, instead of payments leaving the load balancer.
  app.readiness.add('postgres', () => pingDatabase(deps.pool));
  if (deps.faults) registerHttpFaults(app, deps.faults);
  registerPaymentRoutes(app, service);
  app.decorate('payments', service);
  app.decorate('psp', psp);
  app.decorate('paymentsMetrics', metrics);
  app.addHook('onClose', async () => {
    await psp.close();
  });
  return app;
}
