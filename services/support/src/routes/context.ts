import type { JwtSettings, Pool } from '@shopwatch/platform';
import type { SupportMetrics } from '../plugins/support-metrics.ts';

/** What support's routes need, built once in app.ts. */
export interface SupportContext {
  pool: Pool;
  jwt: JwtSettings;
  metrics: SupportMetrics;
  now: () => Date;
  /** Where ticket facts are written (through the outbox). */
  eventsTopic: string;
}
