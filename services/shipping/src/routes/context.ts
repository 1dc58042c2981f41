import type { JwtSettings, Pool } from '@shopwatch/platform';
import type { ShippingMetrics } from '../plugins/shipping-metrics.ts';

/** What shipping's routes need, built once in app.ts. */
export interface ShippingContext {
  pool: Pool;
  jwt: JwtSettings;
  metrics: ShippingMetrics;
}
