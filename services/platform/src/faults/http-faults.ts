// Fault injection at the HTTP edge, driven by the faults file: added latency and a share of
// requests answered 503, per service. Infrastructure routes (/livez, /readyz, /metrics) are never
// affected, so a fault experiment shows up on dashboards instead of killing the pod.
import { Type, type Static } from 'typebox';
import type { App } from '../http/create-app.ts';
import { ProblemError } from '../http/problem.ts';

export const HttpFaultsSchema = Type.Object(
  {
    /** Extra latency added to every API request, in ms. */
    latencyMs: Type.Integer({ minimum: 0, maximum: 30_000, default: 0 }),
    /** Share of API requests answered with 503 (0..1). */
    errorRate: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
  },
  { additionalProperties: false, default: {} },
);
export type HttpFaults = Static<typeof HttpFaultsSchema>;

/**
 * The part of a faults file this module reads: `{ "http": { "latencyMs": 200 } }`. Services
 * extend it with their own keys (additional properties are allowed for that reason).
 */
export const HttpFaultsSchemaFile = Type.Object({ http: HttpFaultsSchema }, { additionalProperties: true });

const EXEMPT = new Set(['/livez', '/readyz', '/metrics', '/openapi.json']);

export function registerHttpFaults(app: App, faults: { current(): { http: HttpFaults } }, random: () => number = Math.random): void {
  app.addHook('preHandler', async (request) => {
    const route = request.routeOptions.url;
    if (route === undefined || EXEMPT.has(route)) return;
    const { latencyMs, errorRate } = faults.current().http;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (errorRate > 0 && random() < errorRate) {
      throw new ProblemError(503, 'injected-fault', 'Service Unavailable', 'Injected fault (faults file: http.errorRate).', {
        headers: { 'retry-after': '1' },
      });
    }
  });
}
