import type { JwtSettings, MeteredCache, Pool } from '@shopwatch/platform';
import type { CatalogMetrics } from '../plugins/catalog-metrics.ts';
import type { EnqueueEvents, ViewRecorder } from '../plugins/view-recorder.ts';
import type { Product } from '../schemas/product.ts';

/** What catalog's routes need, built once in app.ts. */
export interface CatalogContext {
  pool: Pool;
  jwt: JwtSettings;
  cache: MeteredCache<Product>;
  metrics: CatalogMetrics;
  views: ViewRecorder;
  enqueue: EnqueueEvents;
  now: () => Date;
}
